//! Text that customers and agents send, validated once at the edge.

use crate::ParseError;

/// The longest message a customer or agent may send, in characters (not bytes).
pub const MAX_MESSAGE_CHARS: usize = 4000;
/// The longest client message id accepted.
pub const MAX_CLIENT_MSG_ID_LEN: usize = 128;

/// Message text of 1 to [`MAX_MESSAGE_CHARS`] characters that is not only whitespace.
/// Control characters other than newline and tab are removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageText(String);

impl MessageText {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let cleaned: String = raw
            .chars()
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
            .collect();
        if cleaned.trim().is_empty() {
            return Err(ParseError::new("text", "must not be empty"));
        }
        let chars = cleaned.chars().count();
        if chars > MAX_MESSAGE_CHARS {
            return Err(ParseError::new(
                "text",
                format!("is {chars} characters long; the limit is {MAX_MESSAGE_CHARS}"),
            ));
        }
        Ok(Self(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The sender's own id for a message, used to make sends idempotent: 1 to 128 printable
/// ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientMsgId(String);

impl ClientMsgId {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        if raw.is_empty() || raw.len() > MAX_CLIENT_MSG_ID_LEN {
            return Err(ParseError::new(
                "client_msg_id",
                format!("must be 1 to {MAX_CLIENT_MSG_ID_LEN} characters"),
            ));
        }
        if !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ParseError::new(
                "client_msg_id",
                "must be printable ASCII without spaces",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_text_bounds() {
        let cases: &[(&str, bool)] = &[
            ("hi", true),
            ("   ", false),
            ("", false),
            ("\u{0}\u{7}", false),
            ("line one\nline two", true),
        ];
        for (input, ok) in cases {
            assert_eq!(MessageText::parse(input).is_ok(), *ok, "{input:?}");
        }
        assert!(MessageText::parse(&"å".repeat(MAX_MESSAGE_CHARS)).is_ok());
        let err = MessageText::parse(&"a".repeat(MAX_MESSAGE_CHARS + 1)).unwrap_err();
        assert!(err.message.contains("4001"), "{err}");
    }

    #[test]
    fn control_characters_are_removed() {
        assert_eq!(MessageText::parse("a\u{1b}[2Jb").unwrap().as_str(), "a[2Jb");
    }

    #[test]
    fn client_msg_id_bounds() {
        assert!(ClientMsgId::parse("m-1").is_ok());
        assert!(ClientMsgId::parse("").is_err());
        assert!(ClientMsgId::parse("has space").is_err());
        assert!(ClientMsgId::parse(&"x".repeat(129)).is_err());
    }
}
