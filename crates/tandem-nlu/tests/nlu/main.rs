//! tandem-nlu at the level its callers see it: model directories, embeddings, the
//! classifier's training and files, the real all-MiniLM-L6-v2 where it matters.

mod classifier;
mod encoder;
mod fetch;
mod tiny;
mod tune;
