//! Dense layers in integers: weights in 7 bits, activations in 7 or 8, products summed
//! in 32-bit integers. Each output's weights are scaled once at load onto -63..=63; each
//! row of activations is coded when it arrives, its own range, lowest to highest value,
//! mapped onto 0..=127 (0..=255 for AVX-512) by an offset and a step. That spends the
//! levels where the row's values are (the outputs of GELU, say, are rarely below
//! -0.17), and a row's outliers cost that row alone some precision.
//!
//! `vpmaddubsw` multiplies pairs of bytes, unsigned activations by signed weights, and
//! adds neighbours into `i16`; `vpmaddwd` against ones adds those into `i32`. A row's
//! four bytes of inputs, broadcast to every 32-bit lane, meet each output's four
//! weights for the same inputs, packed into one lane. With 7-bit codes and weights the
//! `i16` sums of two lanes of inputs still fit (`2 * 2 * 127 * 63 = 32004`), so one
//! `vpmaddwd` widens both: three multiplies for eight inputs instead of four. With 8-bit
//! codes one lane's sums fit (`2 * 255 * 63 = 32130`). Every sum fits an `i32` for up to
//! 4,096 inputs (`4096 * 255 * 63`). Four kernels, chosen at run time:
//!
//! - SSE (x86-64-v2: SSSE3's `pmaddubsw` to SSE4.2): 4 outputs a vector, tiles of 3
//!   rows x 3 vectors, 7-bit codes. For CPUs without AVX.
//! - AVX: the SSE kernel compiled for AVX, whose VEX forms spare the copies SSE's
//!   two-operand instructions need. For CPUs with AVX but not AVX2.
//! - AVX2 (with FMA): 8 outputs a vector, tiles of 3 rows x 3 vectors, 7-bit codes.
//! - AVX-512 (F and BW): 16 outputs a vector, tiles of up to 6 rows x 4 vectors, 8-bit
//!   codes.
//!
//! Against `f32` the embeddings move a little (cosine 0.9976 on average over Banking77
//! sentences with 8-bit codes, 0.9959 with 7) and the answers on Banking77 stay about the
//! same (docs/benchmarks.md).
//!
//! Elsewhere the encoder keeps its `f32` products. `candle`'s own 8-bit products
//! (`QMatMul`) were measured 3x slower than `f32` on an AVX2 CPU. AVX-512 VNNI's
//! `vpdpbusd` would do a lane's four products and their sum in one instruction, but
//! `pulp` does not wrap it and the workspace forbids `unsafe`.

use crate::NluError;

/// The most inputs whose products are certain to fit an `i32`.
const MAX_INPUTS: usize = 4096;
/// Inputs that share one 32-bit lane: four bytes.
const INPUTS_PER_LANE: usize = 4;
/// The largest weight after scaling: 7 bits, so that two products of a byte of
/// activation and a weight sum within `i16`.
const WEIGHT_MAX: f32 = 63.0;
/// The highest level of a row's code: 8 bits, or 7 for a kernel that adds two lanes'
/// products in `i16` before widening them.
const CODE_MAX: f32 = 255.0;
const CODE_MAX_PAIRED: f32 = 127.0;
/// Rows that meet one group of panels before the next group: their packed activations
/// (at most 4096 inputs: 192 KB) stay in a core's L2 cache while the weights go by.
/// Batches of more rows are split into blocks of this many for rayon's threads.
const BLOCK_ROWS: usize = 48;

/// The instruction set a layer is packed for, and so the shape of its tiles: a tile is
/// `rows` rows of activations against `panels` vectors of `lanes` outputs, whose sums
/// stay in registers while the inputs go by. Ordered narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kernel {
    /// SSE up to 4.2 (x86-64-v2, whose SSSE3 has `pmaddubsw`): 4 outputs a vector;
    /// tiles as AVX2's, for its 16 registers are as many; 7-bit activation codes, two
    /// lanes of inputs widened at once. For CPUs without AVX.
    Sse,
    /// The SSE kernel compiled for AVX: the same 128-bit integer arithmetic in its
    /// three-operand VEX forms (no copy of a row before each multiply), rows broadcast
    /// from memory, and the same results. For CPUs with AVX but not AVX2.
    Avx,
    /// AVX2 and FMA: 8 outputs a vector; tiles of 3 rows x 3 vectors; 7-bit activation
    /// codes, two lanes of inputs widened at once. The compiler keeps both lanes'
    /// weights in registers and spills a few sums: still a tenth faster than 8-bit
    /// codes, which widen every lane, on a Zen 3 CPU (docs/benchmarks.md).
    Avx2,
    /// AVX-512 F and BW: 16 outputs a vector; up to 6 rows x 4 vectors of sums, ones,
    /// a broadcast and two products take 28 of the 32 registers, the weights read from
    /// memory by the multiplies. A layer's rows go in tiles of 3 to 6 rows, whichever
    /// wastes least on padding.
    Avx512,
}

#[derive(Clone, Copy)]
struct Shape {
    lanes: usize,
    panels: usize,
    rows: usize,
    /// The highest level of a row's activation code.
    code_max: f32,
}

const SSE: Shape = Shape {
    lanes: 4,
    panels: 3,
    rows: 3,
    code_max: CODE_MAX_PAIRED,
};
const AVX2: Shape = Shape {
    lanes: 8,
    panels: 3,
    rows: 3,
    code_max: CODE_MAX_PAIRED,
};
const AVX512: Shape = Shape {
    lanes: 16,
    panels: 4,
    rows: 6,
    code_max: CODE_MAX,
};

impl Kernel {
    /// The variable that caps the kernel: `sse`, `avx`, `avx2` or `avx512`. Unset, the encoder
    /// takes the widest this CPU runs; set, the widest it runs up to that one (to
    /// measure a narrower CPU's kernel on a wider one, or to rule one out).
    pub const VARIABLE: &str = "TANDEM_NLU_KERNEL";

    /// Every kernel, narrowest first.
    pub const ALL: [Self; 4] = [Self::Sse, Self::Avx, Self::Avx2, Self::Avx512];

    /// The cap [`Self::VARIABLE`] sets; `None` when it is unset.
    pub fn from_env() -> Result<Option<Self>, NluError> {
        match std::env::var(Self::VARIABLE) {
            Err(std::env::VarError::NotPresent) => Ok(None),
            Ok(value) => value.parse().map(Some),
            Err(e) => Err(NluError::Setting(format!("{}: {e}", Self::VARIABLE))),
        }
    }

    fn shape(self) -> Shape {
        match self {
            Self::Sse | Self::Avx => SSE,
            Self::Avx2 => AVX2,
            Self::Avx512 => AVX512,
        }
    }

    /// The widest kernel this CPU runs, no wider than `cap`; `None` on a CPU without
    /// SSE 4.2 (or not x86-64).
    pub fn widest(cap: Option<Self>) -> Option<Self> {
        Self::ALL
            .into_iter()
            .rev()
            .filter(|&kernel| cap.is_none_or(|cap| kernel <= cap))
            .find(|&kernel| simd::runs(kernel))
    }
}

impl std::fmt::Display for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Sse => "sse",
            Self::Avx => "avx",
            Self::Avx2 => "avx2",
            Self::Avx512 => "avx512",
        })
    }
}

impl std::str::FromStr for Kernel {
    type Err = NluError;

    fn from_str(value: &str) -> Result<Self, NluError> {
        let name = value.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|kernel| kernel.to_string() == name)
            .ok_or_else(|| {
                NluError::Setting(format!(
                    "{} must be sse, avx, avx2 or avx512, not {value:?}",
                    Self::VARIABLE
                ))
            })
    }
}

/// A dense layer's weights and bias, quantized and packed for [`QuantDense::forward`].
pub(crate) struct QuantDense {
    inputs: usize,
    outputs: usize,
    /// The kernel the weights are packed for.
    kernel: Kernel,
    /// Groups of `panels` panels of `lanes` outputs, the last padded with zero weights.
    /// For each lane of inputs `k` (inputs `4 k..4 (k + 1)`), a group holds its panels
    /// one after another, and a panel its outputs' four weights each: panel `v` of
    /// group `g` for lane `k` starts at `((g * steps + k) * panels + v) * lanes * 4`
    /// and holds, at `4 j..4 (j + 1)`, the weights of output `lanes (g * panels + v) + j`.
    /// A panel for one lane of inputs is one vector: 32 bytes (AVX2) or 64 (AVX-512).
    weights: Vec<i8>,
    /// Per output, in panel order: the weight scale (a weight is its integer times the
    /// scale), the sum of the output's weights as quantized (for rows coded with an
    /// offset), and the bias; zero in padding.
    scales: Vec<f32>,
    weight_sums: Vec<f32>,
    bias: Vec<f32>,
}

impl QuantDense {
    /// Quantizes `weight` (`[outputs, inputs]`, row-major) and `bias` (`outputs`) and
    /// packs them for `kernel`; a layer whose outputs AVX-512's vectors do not divide
    /// takes the AVX2 kernel. `None` where the CPU cannot run the kernel, or the shape
    /// does not fit it (inputs not a multiple of 4, outputs not a multiple of its
    /// vectors' outputs, more than 4,096 inputs).
    pub(crate) fn for_kernel(
        kernel: Kernel,
        weight: &[f32],
        bias: &[f32],
        outputs: usize,
        inputs: usize,
    ) -> Option<Self> {
        let kernel = match kernel {
            Kernel::Avx512 if !outputs.is_multiple_of(AVX512.lanes) => Kernel::Avx2,
            kernel => kernel,
        };
        if !simd::runs(kernel)
            || !inputs.is_multiple_of(INPUTS_PER_LANE)
            || !outputs.is_multiple_of(kernel.shape().lanes)
            || inputs > MAX_INPUTS
            || weight.len() != outputs * inputs
            || bias.len() != outputs
        {
            return None;
        }
        Some(Self::pack(kernel, weight, bias, outputs, inputs))
    }

    fn pack(kernel: Kernel, weight: &[f32], bias: &[f32], outputs: usize, inputs: usize) -> Self {
        let mut quantized = vec![0i8; outputs * inputs];
        let mut scale = vec![0f32; outputs];
        let mut sums = vec![0f32; outputs];
        for (o, row) in weight.chunks_exact(inputs).enumerate() {
            let row_q = &mut quantized[o * inputs..][..inputs];
            scale[o] = quantize_weights(row, row_q);
            // Exact in `f32`: at most 4,096 x 63.
            sums[o] = scale[o] * row_q.iter().map(|&q| i32::from(q)).sum::<i32>() as f32;
        }
        let Shape { lanes, panels, .. } = kernel.shape();
        let padded = (outputs / lanes).div_ceil(panels) * panels * lanes;
        let pad = |values: &[f32]| -> Vec<f32> {
            let mut values = values.to_vec();
            values.resize(padded, 0.0);
            values
        };
        Self {
            inputs,
            outputs,
            kernel,
            weights: pack_weights(&quantized, outputs, inputs, (lanes, panels)),
            scales: pad(&scale),
            weight_sums: pad(&sums),
            bias: pad(bias),
        }
    }

    pub(crate) fn outputs(&self) -> usize {
        self.outputs
    }

    pub(crate) fn kernel(&self) -> Kernel {
        self.kernel
    }

    /// `x W^T + b` for `x` `[rows, inputs]`, row-major; `[rows, outputs]` out.
    pub(crate) fn forward(&self, x: &[f32]) -> Vec<f32> {
        assert_eq!(x.len() % self.inputs, 0, "rows of {} inputs", self.inputs);
        let rows = x.len() / self.inputs;
        let mut out = vec![0f32; rows * self.outputs];
        simd::forward(self, x, rows, &mut out);
        out
    }
}

/// Lays out quantized weights (`[outputs, inputs]`) in groups of `panels` panels of
/// `lanes` outputs, as [`QuantDense::weights`] describes.
fn pack_weights(
    quantized: &[i8],
    outputs: usize,
    inputs: usize,
    (lanes, panels): (usize, usize),
) -> Vec<i8> {
    let steps = inputs / INPUTS_PER_LANE;
    let groups = (outputs / lanes).div_ceil(panels);
    let mut weights = Vec::with_capacity(groups * steps * panels * lanes * INPUTS_PER_LANE);
    for group in 0..groups {
        for k in 0..steps {
            for v in 0..panels {
                for j in 0..lanes {
                    let output = (group * panels + v) * lanes + j;
                    if output < outputs {
                        let first = output * inputs + INPUTS_PER_LANE * k;
                        weights.extend_from_slice(&quantized[first..][..INPUTS_PER_LANE]);
                    } else {
                        weights.extend([0; INPUTS_PER_LANE]);
                    }
                }
            }
        }
    }
    weights
}

/// Scales an output's weights to `-63..=63`, rounds them into `out`, and returns the
/// scale (a weight is its integer times the scale); all-zero weights get scale 0.
fn quantize_weights(row: &[f32], out: &mut [i8]) -> f32 {
    let largest = row.iter().fold(0f32, |m, v| m.max(v.abs()));
    let inverse = if largest > 0.0 {
        WEIGHT_MAX / largest
    } else {
        0.0
    };
    for (q, v) in out.iter_mut().zip(row) {
        let t = v * inverse;
        // Round half away from zero; `as` saturates, and |t| <= 63 anyway.
        *q = (t + 0.5f32.copysign(t)) as i8;
    }
    if largest > 0.0 {
        largest / WEIGHT_MAX
    } else {
        0.0
    }
}

/// A row of activations as coded: a value is `offset + step * q` for its integer `q`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct RowScale {
    step: f32,
    offset: f32,
}

/// Maps `row` from its lowest..=highest value onto 0..=`code_max` (at most 255),
/// rounding into `out`. A row of one value gets step 0 and that value as its offset.
#[inline(always)]
fn quantize_row(row: &[f32], out: &mut [u8], code_max: f32) -> RowScale {
    let (low, high) = row
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let step = (high - low) / code_max;
    let inverse = if step > 0.0 { step.recip() } else { 0.0 };
    for (q, v) in out.iter_mut().zip(row) {
        // Non-negative, at most `code_max + 0.5` (and a rounding error) before `as`
        // truncates, so at most `code_max`.
        *q = ((v - low) * inverse + 0.5) as u8;
    }
    RowScale {
        step: if step > 0.0 { step } else { 0.0 },
        offset: if row.is_empty() { 0.0 } else { low },
    }
}

/// Codes `x` (`rows` rows of `inputs`) row by row onto 0..=`code_max` and packs it for
/// a kernel: tiles of `tile_rows` rows (the last padded with zero rows), and within a
/// tile, for each lane of inputs `k`, the tile's rows' four bytes one after another.
/// Returns the packed lanes and each row's scale (zero in padding).
#[inline(always)]
fn pack_rows(
    x: &[f32],
    (rows, inputs): (usize, usize),
    tile_rows: usize,
    code_max: f32,
) -> (Vec<i32>, Vec<RowScale>) {
    let steps = inputs / INPUTS_PER_LANE;
    let tiles = rows.div_ceil(tile_rows);
    let mut packed = vec![0i32; tiles * steps * tile_rows];
    let mut scales = vec![RowScale::default(); tiles * tile_rows];
    let mut coded = vec![0u8; inputs];
    for (row, values) in x.chunks_exact(inputs).enumerate() {
        let (tile, r) = (row / tile_rows, row % tile_rows);
        let slots = packed[tile * steps * tile_rows..][..steps * tile_rows]
            .iter_mut()
            .skip(r)
            .step_by(tile_rows);
        scales[row] = quantize_row(values, &mut coded, code_max);
        for (slot, four) in slots.zip(coded.chunks_exact(INPUTS_PER_LANE)) {
            *slot = i32::from_le_bytes([four[0], four[1], four[2], four[3]]);
        }
    }
    (packed, scales)
}

/// The AVX level (SSE up to 4.2 and AVX), for other code to compile for CPUs with AVX but
/// not AVX2, which `pulp`'s own dispatch runs at its baseline.
#[cfg(target_arch = "x86_64")]
pub(crate) use simd::sse::Avx;

#[cfg(target_arch = "x86_64")]
mod simd {
    use super::{AVX512, BLOCK_ROWS, INPUTS_PER_LANE, Kernel, QuantDense, RowScale, pack_rows};
    use avx512::Wide;
    use pulp::bytemuck::{Pod, cast_slice};
    use pulp::x86::{V2, V3, V4};
    use pulp::{NullaryFnOnce, as_arrays, cast};
    use rayon::prelude::*;

    pub(super) fn runs(kernel: Kernel) -> bool {
        match kernel {
            Kernel::Sse => V2::try_new().is_some(),
            Kernel::Avx => sse::Avx::try_new().is_some(),
            Kernel::Avx2 => V3::try_new().is_some(),
            Kernel::Avx512 => V4::try_new().is_some(),
        }
    }

    pub(super) fn forward(layer: &QuantDense, x: &[f32], rows: usize, out: &mut [f32]) {
        if rows <= BLOCK_ROWS {
            block(layer, x, rows, out);
            return;
        }
        // Batches: blocks of rows on rayon's threads, as candle's gemm spreads its `f32`
        // products (a single text's pool has one thread and runs them in turn).
        out.par_chunks_mut(BLOCK_ROWS * layer.outputs)
            .zip(x.par_chunks(BLOCK_ROWS * layer.inputs))
            .for_each(|(out, x)| block(layer, x, x.len() / layer.inputs, out));
    }

    fn block(layer: &QuantDense, x: &[f32], rows: usize, out: &mut [f32]) {
        match layer.kernel {
            Kernel::Avx => {
                let simd = sse::Avx::try_new().expect("packed for AVX where the CPU has it");
                simd.vectorize(Block {
                    simd,
                    layer,
                    x,
                    rows,
                    out,
                });
            }
            Kernel::Sse => {
                let simd = V2::try_new().expect("packed for SSE 4.2 where the CPU has it");
                simd.vectorize(Block {
                    simd,
                    layer,
                    x,
                    rows,
                    out,
                });
            }
            Kernel::Avx2 => {
                let simd = V3::try_new().expect("packed for AVX2 where the CPU has it");
                simd.vectorize(Block {
                    simd,
                    layer,
                    x,
                    rows,
                    out,
                });
            }
            Kernel::Avx512 => {
                let simd = V4::try_new().expect("packed for AVX-512 where the CPU has it");
                // AVX-512 has registers for tiles of up to 6 rows; fewer rows a tile
                // waste less on padding where the rows do not divide by 6.
                fn wide<const R: usize>(
                    simd: V4,
                    layer: &QuantDense,
                    x: &[f32],
                    rows: usize,
                    out: &mut [f32],
                ) {
                    simd.vectorize(Block {
                        simd: Wide::<R>(simd),
                        layer,
                        x,
                        rows,
                        out,
                    });
                }
                match wide_tile_rows(rows) {
                    3 => wide::<3>(simd, layer, x, rows, out),
                    4 => wide::<4>(simd, layer, x, rows, out),
                    5 => wide::<5>(simd, layer, x, rows, out),
                    _ => wide::<6>(simd, layer, x, rows, out),
                }
            }
        }
    }

    /// The rows of AVX-512 tiles for `rows` rows: the fewest tiles' worth of work,
    /// counting a tile of `r` rows as `r + 1` (its loads of weights and its stores
    /// cost about a row).
    pub(super) fn wide_tile_rows(rows: usize) -> usize {
        (3..=AVX512.rows)
            .rev()
            .min_by_key(|&r| rows.div_ceil(r) * (r + 1))
            .expect("a range of sizes")
    }

    /// A panel's outputs as [`QuantDense`] keeps them: weight scales, sums of the
    /// quantized weights times their scales, biases.
    #[derive(Clone, Copy)]
    struct Column<'a> {
        scales: &'a [f32],
        weight_sums: &'a [f32],
        bias: &'a [f32],
    }

    /// What a kernel does with one tile: sum its products, then scale them back to
    /// `f32` and store them.
    trait Tiles: Copy {
        /// Rows a tile computes.
        const ROWS: usize;
        /// Vectors of outputs a tile computes.
        const PANELS: usize;
        /// Outputs a vector.
        const LANES: usize;
        /// A panel's weights for one lane of inputs: `LANES` outputs' four bytes.
        type Panel: Pod;
        /// A tile's sums, `[[vector; PANELS]; ROWS]`.
        type Sums;

        /// One tile's packed rows (`ROWS` per lane of inputs) against one group's
        /// panels (`PANELS` per lane); the sums stay in registers.
        fn products(self, x: &[i32], weights: &[Self::Panel]) -> Self::Sums;

        /// Writes to `out` row `r`'s sums for panel `v`, scaled back: each output is
        /// `sum * scale * row.step + weight_sum * row.offset + bias`.
        fn store(
            self,
            sums: &Self::Sums,
            at: (usize, usize),
            column: Column<'_>,
            row: RowScale,
            out: &mut [f32],
        );
    }

    /// The integer steps of a kernel with 7-bit activation codes, on one instruction
    /// set's vectors of 32-bit lanes.
    trait Paired: Copy {
        type Vector: Pod;

        fn zero(self) -> Self::Vector;
        /// A row's four bytes in every lane against each lane's four weights: two sums
        /// of two products in `i16` (unsigned bytes times signed).
        fn multiply(self, four: i32, weights: Self::Vector) -> Self::Vector;
        /// Two lanes' `i16` sums added: with 7-bit codes they fit
        /// (`2 * 2 * 127 * 63 = 32004`).
        fn add_pairs(self, a: Self::Vector, b: Self::Vector) -> Self::Vector;
        /// `sum` plus the neighbouring `i16`s of `pairs` widened and added into `i32`.
        fn widen_into(self, sum: Self::Vector, pairs: Self::Vector) -> Self::Vector;
    }

    /// A tile's sums for a kernel with 7-bit codes: two lanes of inputs at a time, so
    /// that one widening serves both (`ROWS` packed rows per lane of `x`, `PANELS`
    /// panels per lane of `weights`).
    #[inline(always)]
    fn paired_products<P: Paired, W: Pod, const ROWS: usize, const PANELS: usize>(
        simd: P,
        x: &[i32],
        weights: &[W],
    ) -> [[P::Vector; PANELS]; ROWS] {
        let (x, _) = as_arrays::<ROWS, _>(x);
        let (weights, _) = as_arrays::<PANELS, _>(weights);
        let mut sums = [[simd.zero(); PANELS]; ROWS];
        let multiply = |four: i32, weights: &W| simd.multiply(four, cast(*weights));
        let (x2, x_last) = as_arrays::<2, _>(x);
        let (weights2, weights_last) = as_arrays::<2, _>(weights);
        for ([x0, x1], [w0, w1]) in x2.iter().zip(weights2) {
            for r in 0..ROWS {
                for v in 0..PANELS {
                    let pairs = simd.add_pairs(multiply(x0[r], &w0[v]), multiply(x1[r], &w1[v]));
                    sums[r][v] = simd.widen_into(sums[r][v], pairs);
                }
            }
        }
        // An odd lane last.
        for (x, weights) in x_last.iter().zip(weights_last) {
            for (r, &four) in x.iter().enumerate() {
                for (v, weights) in weights.iter().enumerate() {
                    sums[r][v] = simd.widen_into(sums[r][v], multiply(four, weights));
                }
            }
        }
        sums
    }

    /// Up to [`BLOCK_ROWS`] rows through one layer, tile by tile, group by group.
    struct Block<'a, S: Tiles> {
        simd: S,
        layer: &'a QuantDense,
        x: &'a [f32],
        rows: usize,
        out: &'a mut [f32],
    }

    impl<S: Tiles> NullaryFnOnce for Block<'_, S> {
        type Output = ();

        #[inline(always)]
        fn call(self) {
            let Self {
                simd,
                layer,
                x,
                rows,
                out,
            } = self;
            let (inputs, outputs) = (layer.inputs, layer.outputs);
            let steps = inputs / INPUTS_PER_LANE;
            let weights: &[S::Panel] = cast_slice(&layer.weights);
            let code_max = layer.kernel.shape().code_max;
            let (packed, row_scales) = pack_rows(x, (rows, inputs), S::ROWS, code_max);
            let tiles = rows.div_ceil(S::ROWS);
            let groups = layer.scales.len() / (S::PANELS * S::LANES);
            for group in 0..groups {
                let weights = &weights[group * steps * S::PANELS..][..steps * S::PANELS];
                for tile in 0..tiles {
                    let x = &packed[tile * steps * S::ROWS..][..steps * S::ROWS];
                    let sums = simd.products(x, weights);
                    for v in 0..S::PANELS {
                        let first = (group * S::PANELS + v) * S::LANES;
                        if first >= outputs {
                            break;
                        }
                        let column = Column {
                            scales: &layer.scales[first..][..S::LANES],
                            weight_sums: &layer.weight_sums[first..][..S::LANES],
                            bias: &layer.bias[first..][..S::LANES],
                        };
                        for r in 0..S::ROWS {
                            let row = tile * S::ROWS + r;
                            if row >= rows {
                                break;
                            }
                            let out = &mut out[row * outputs + first..][..S::LANES];
                            simd.store(&sums, (r, v), column, row_scales[row], out);
                        }
                    }
                }
            }
        }
    }

    pub(super) mod sse {
        use super::super::{INPUTS_PER_LANE, RowScale, SSE};
        use super::{Column, Paired, Tiles, paired_products};
        use pulp::cast;
        use pulp::x86::V2;
        use std::arch::x86_64::__m128i;

        const LANES: usize = SSE.lanes;
        const PANELS: usize = SSE.panels;
        const ROWS: usize = SSE.rows;

        /// The SSE kernel's tiles and steps for a level of instructions that has SSE up
        /// to 4.2.
        macro_rules! sse_kernel {
            ($level:ty) => {
                impl Tiles for $level {
                    const ROWS: usize = ROWS;
                    const PANELS: usize = PANELS;
                    const LANES: usize = LANES;
                    type Panel = [i8; INPUTS_PER_LANE * LANES];
                    type Sums = [[__m128i; PANELS]; ROWS];

                    #[inline(always)]
                    fn products(self, x: &[i32], weights: &[Self::Panel]) -> Self::Sums {
                        paired_products::<_, _, ROWS, PANELS>(self, x, weights)
                    }

                    #[inline(always)]
                    fn store(
                        self,
                        sums: &Self::Sums,
                        (r, v): (usize, usize),
                        column: Column<'_>,
                        row: RowScale,
                        out: &mut [f32],
                    ) {
                        let vector = |values: &[f32]| -> [f32; LANES] {
                            values.try_into().expect("a panel's outputs")
                        };
                        // No FMA at this level: multiplies and additions.
                        let step = self.sse._mm_mul_ps(
                            cast(vector(column.scales)),
                            self.sse._mm_set1_ps(row.step),
                        );
                        let shift = self.sse._mm_add_ps(
                            self.sse._mm_mul_ps(
                                cast(vector(column.weight_sums)),
                                self.sse._mm_set1_ps(row.offset),
                            ),
                            cast(vector(column.bias)),
                        );
                        let sums = self.sse2._mm_cvtepi32_ps(sums[r][v]);
                        let y: [f32; LANES] =
                            cast(self.sse._mm_add_ps(self.sse._mm_mul_ps(sums, step), shift));
                        out.copy_from_slice(&y);
                    }
                }

                impl Paired for $level {
                    type Vector = __m128i;

                    #[inline(always)]
                    fn zero(self) -> __m128i {
                        self.sse2._mm_setzero_si128()
                    }

                    #[inline(always)]
                    fn multiply(self, four: i32, weights: __m128i) -> __m128i {
                        self.ssse3
                            ._mm_maddubs_epi16(self.sse2._mm_set1_epi32(four), weights)
                    }

                    #[inline(always)]
                    fn add_pairs(self, a: __m128i, b: __m128i) -> __m128i {
                        self.sse2._mm_add_epi16(a, b)
                    }

                    #[inline(always)]
                    fn widen_into(self, sum: __m128i, pairs: __m128i) -> __m128i {
                        let products = self.sse2._mm_madd_epi16(pairs, self.sse2._mm_set1_epi16(1));
                        self.sse2._mm_add_epi32(sum, products)
                    }
                }
            };
        }

        sse_kernel!(V2);
        sse_kernel!(Avx);

        pulp::simd_type! {
            /// SSE up to 4.2 and AVX: [`Kernel::Avx`](super::super::Kernel::Avx)'s
            /// level. AVX's VEX encoding reaches the 128-bit integer instructions too;
            /// `pulp` has no level for AVX without AVX2, so this one is declared with
            /// `pulp`'s own macro, as its levels are: the feature check and the `unsafe`
            /// that enabling features needs stay inside `pulp`.
            pub(crate) struct Avx {
                pub sse: "sse",
                pub sse2: "sse2",
                pub fxsr: "fxsr",
                pub sse3: "sse3",
                pub ssse3: "ssse3",
                pub sse4_1: "sse4.1",
                pub sse4_2: "sse4.2",
                pub popcnt: "popcnt",
                pub avx: "avx",
            }
        }
    }

    mod avx2 {
        use super::super::{AVX2, INPUTS_PER_LANE, RowScale};
        use super::{Column, Paired, Tiles, paired_products};
        use pulp::cast;
        use pulp::x86::V3;
        use std::arch::x86_64::__m256i;

        const LANES: usize = AVX2.lanes;
        const PANELS: usize = AVX2.panels;
        const ROWS: usize = AVX2.rows;

        impl Tiles for V3 {
            const ROWS: usize = ROWS;
            const PANELS: usize = PANELS;
            const LANES: usize = LANES;
            type Panel = [i8; INPUTS_PER_LANE * LANES];
            type Sums = [[__m256i; PANELS]; ROWS];

            #[inline(always)]
            fn products(self, x: &[i32], weights: &[Self::Panel]) -> Self::Sums {
                paired_products::<_, _, ROWS, PANELS>(self, x, weights)
            }

            #[inline(always)]
            fn store(
                self,
                sums: &Self::Sums,
                (r, v): (usize, usize),
                column: Column<'_>,
                row: RowScale,
                out: &mut [f32],
            ) {
                let vector = |values: &[f32]| -> [f32; LANES] {
                    values.try_into().expect("a panel's outputs")
                };
                let step = self.avx._mm256_mul_ps(
                    cast(vector(column.scales)),
                    self.avx._mm256_set1_ps(row.step),
                );
                let shift = self.fma._mm256_fmadd_ps(
                    cast(vector(column.weight_sums)),
                    self.avx._mm256_set1_ps(row.offset),
                    cast(vector(column.bias)),
                );
                let sums = self.avx._mm256_cvtepi32_ps(sums[r][v]);
                let y: [f32; LANES] = cast(self.fma._mm256_fmadd_ps(sums, step, shift));
                out.copy_from_slice(&y);
            }
        }

        impl Paired for V3 {
            type Vector = __m256i;

            #[inline(always)]
            fn zero(self) -> __m256i {
                self.avx._mm256_setzero_si256()
            }

            #[inline(always)]
            fn multiply(self, four: i32, weights: __m256i) -> __m256i {
                self.avx2
                    ._mm256_maddubs_epi16(self.avx._mm256_set1_epi32(four), weights)
            }

            #[inline(always)]
            fn add_pairs(self, a: __m256i, b: __m256i) -> __m256i {
                self.avx2._mm256_add_epi16(a, b)
            }

            #[inline(always)]
            fn widen_into(self, sum: __m256i, pairs: __m256i) -> __m256i {
                let products = self
                    .avx2
                    ._mm256_madd_epi16(pairs, self.avx._mm256_set1_epi16(1));
                self.avx2._mm256_add_epi32(sum, products)
            }
        }
    }

    mod avx512 {
        use super::super::{AVX512, INPUTS_PER_LANE, RowScale};
        use super::{Column, Tiles};
        use pulp::x86::V4;
        use pulp::{as_arrays, cast};
        use std::arch::x86_64::__m512i;

        const LANES: usize = AVX512.lanes;
        const PANELS: usize = AVX512.panels;

        /// AVX-512 tiles of `ROWS` rows.
        #[derive(Clone, Copy)]
        pub(super) struct Wide<const ROWS: usize>(pub(super) V4);

        impl<const ROWS: usize> Tiles for Wide<ROWS> {
            const ROWS: usize = ROWS;
            const PANELS: usize = PANELS;
            const LANES: usize = LANES;
            type Panel = [i8; INPUTS_PER_LANE * LANES];
            type Sums = [[__m512i; PANELS]; ROWS];

            #[inline(always)]
            fn products(self, x: &[i32], weights: &[Self::Panel]) -> Self::Sums {
                let (f, bw) = (self.0.avx512f, self.0.avx512bw);
                let (x, _) = as_arrays::<ROWS, _>(x);
                let (weights, _) = as_arrays::<PANELS, _>(weights);
                let ones = f._mm512_set1_epi16(1);
                let mut sums = [[f._mm512_setzero_si512(); PANELS]; ROWS];
                for (x, weights) in x.iter().zip(weights) {
                    let weights: [__m512i; PANELS] = weights.map(cast);
                    for (sums, &four) in sums.iter_mut().zip(x) {
                        // As the AVX2 kernel, 16 outputs a vector.
                        let four = f._mm512_set1_epi32(four);
                        for (sum, &weights) in sums.iter_mut().zip(&weights) {
                            let pairs = bw._mm512_maddubs_epi16(four, weights);
                            let products = bw._mm512_madd_epi16(pairs, ones);
                            *sum = f._mm512_add_epi32(*sum, products);
                        }
                    }
                }
                sums
            }

            #[inline(always)]
            fn store(
                self,
                sums: &Self::Sums,
                (r, v): (usize, usize),
                column: Column<'_>,
                row: RowScale,
                out: &mut [f32],
            ) {
                let f = self.0.avx512f;
                let vector = |values: &[f32]| -> [f32; LANES] {
                    values.try_into().expect("a panel's outputs")
                };
                let step = f._mm512_mul_ps(cast(vector(column.scales)), f._mm512_set1_ps(row.step));
                let shift = f._mm512_fmadd_ps(
                    cast(vector(column.weight_sums)),
                    f._mm512_set1_ps(row.offset),
                    cast(vector(column.bias)),
                );
                let sums = f._mm512_cvtepi32_ps(sums[r][v]);
                let y: [f32; LANES] = cast(f._mm512_fmadd_ps(sums, step, shift));
                out.copy_from_slice(&y);
            }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod simd {
    use super::{Kernel, QuantDense};

    pub(super) fn runs(_: Kernel) -> bool {
        false
    }

    pub(super) fn forward(_: &QuantDense, _: &[f32], _: usize, _: &mut [f32]) {
        unreachable!("QuantDense is only built on x86-64")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    fn reference(weight: &[f32], bias: &[f32], x: &[f32], inputs: usize) -> Vec<f32> {
        let outputs = bias.len();
        x.chunks_exact(inputs)
            .flat_map(|row| {
                (0..outputs).map(move |o| {
                    let w = &weight[o * inputs..][..inputs];
                    bias[o] + w.iter().zip(row).map(|(w, x)| w * x).sum::<f32>()
                })
            })
            .collect()
    }

    #[test]
    fn weights_scale_the_largest_to_the_bound() {
        let mut q = [0i8; 4];
        let scale = quantize_weights(&[0.5, -2.0, 0.01, 1.0], &mut q);
        assert_eq!(q, [16, -63, 0, 32]);
        assert!((scale - 2.0 / 63.0).abs() < 1e-9);
        let scale = quantize_weights(&[0.0, 0.0], &mut q[..2]);
        assert_eq!((scale, q[0], q[1]), (0.0, 0, 0));
    }

    #[test]
    fn unsigned_codes_span_the_row_from_its_lowest_value() {
        let mut q = [0u8; 4];
        let row = quantize_row(&[-1.0, 0.0, 0.5, 3.0], &mut q, CODE_MAX);
        assert_eq!(q, [0, 64, 96, 255]);
        assert_eq!(row.offset, -1.0);
        assert!((row.step - 4.0 / 255.0).abs() < 1e-9);
        // 7 bits: half the levels.
        let row = quantize_row(&[-1.0, 0.0, 0.5, 3.0], &mut q, CODE_MAX_PAIRED);
        assert_eq!(q, [0, 32, 48, 127]);
        assert!((row.step - 4.0 / 127.0).abs() < 1e-9);
        // A row of one value is its offset, exactly.
        let row = quantize_row(&[-3.0, -3.0], &mut q[..2], CODE_MAX);
        assert_eq!(
            (row, q[0], q[1]),
            (
                RowScale {
                    step: 0.0,
                    offset: -3.0
                },
                0,
                0
            )
        );
    }

    #[test]
    fn rows_pack_their_inputs_in_order_within_a_lane() {
        // Two rows in a tile of three: lane `k` of row `r` at `k * 3 + r`.
        let x = [
            0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 255.0, /* row 2 */ 1.0, 1.0, 1.0, 1.0, 1.0,
            1.0, 1.0, 1.0,
        ];
        let (packed, scales) = pack_rows(&x, (2, 8), 3, CODE_MAX);
        assert_eq!(packed.len(), 2 * 3);
        assert_eq!(packed[0], i32::from_le_bytes([0, 1, 2, 3]));
        assert_eq!(packed[3], i32::from_le_bytes([4, 5, 6, 255]));
        assert_eq!((packed[1], packed[4], packed[2]), (0, 0, 0));
        assert_eq!(
            scales[1],
            RowScale {
                step: 0.0,
                offset: 1.0
            }
        );
    }

    /// The kernels this CPU runs, with a note of those it does not.
    fn kernels_here() -> Vec<Kernel> {
        let (here, not): (Vec<Kernel>, Vec<Kernel>) = Kernel::ALL
            .into_iter()
            .partition(|&kernel| simd::runs(kernel));
        if !not.is_empty() {
            eprintln!("this CPU does not run {not:?}: those kernels are not checked");
        }
        here
    }

    #[test]
    fn the_cap_chooses_the_widest_kernel_up_to_it() {
        let widest = Kernel::widest(None);
        assert_eq!(Kernel::widest(Some(Kernel::Avx512)), widest);
        if let Some(widest) = widest {
            assert_eq!(Kernel::widest(Some(Kernel::Sse)), Some(Kernel::Sse));
            // Every CPU with AVX2 has AVX.
            for cap in [Kernel::Avx, Kernel::Avx2] {
                assert_eq!(Kernel::widest(Some(cap)), Some(widest.min(cap)));
            }
        }
        assert_eq!("avx".parse::<Kernel>().unwrap(), Kernel::Avx);
        assert_eq!(" AVX2".parse::<Kernel>().unwrap(), Kernel::Avx2);
        assert_eq!("sse".parse::<Kernel>().unwrap(), Kernel::Sse);
        let error = "neon".parse::<Kernel>().unwrap_err().to_string();
        assert_eq!(
            error,
            "TANDEM_NLU_KERNEL must be sse, avx, avx2 or avx512, not \"neon\""
        );
    }

    /// The most a product sum of `kernel` may differ from the exact one for `row`:
    /// each weight off by half its output's step, each activation by half the row's.
    fn error_bound(kernel: Kernel, weight: &[f32], row: &[f32], output: usize) -> f32 {
        let inputs = row.len();
        let w = &weight[output * inputs..][..inputs];
        let w_step = w.iter().fold(0f32, |m, v| m.max(v.abs())) / WEIGHT_MAX;
        let low = row.iter().fold(f32::INFINITY, |m, &v| m.min(v));
        let high = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let x_step = (high - low) / kernel.shape().code_max;
        w.iter()
            .zip(row)
            .map(|(w, x)| x.abs() * w_step / 2.0 + (w.abs() + w_step / 2.0) * x_step / 2.0)
            .sum::<f32>()
            * 1.01
            + 1e-4
    }

    fn assert_within_bounds(kernel: Kernel, weight: &[f32], bias: &[f32], x: &[f32], what: &str) {
        let (outputs, inputs) = (bias.len(), weight.len() / bias.len());
        let layer = QuantDense::for_kernel(kernel, weight, bias, outputs, inputs).expect("fits");
        assert_eq!(layer.kernel, kernel);
        let exact = reference(weight, bias, x, inputs);
        let quick = layer.forward(x);
        assert_eq!(quick.len(), exact.len());
        for (i, (e, q)) in exact.iter().zip(&quick).enumerate() {
            let (row, output) = (i / outputs, i % outputs);
            let bound = error_bound(kernel, weight, &x[row * inputs..][..inputs], output);
            assert!(
                (e - q).abs() <= bound,
                "{kernel:?}, {what}: row {row} output {output}: {q} for {e} (bound {bound})"
            );
        }
    }

    #[test]
    fn integer_products_match_the_float_ones_for_every_tile_shape() {
        let mut rng = StdRng::seed_from_u64(3);
        // 80 outputs: 20 SSE panels of 4 (six full groups of 3 and one padded), 10 AVX2
        // panels of 8 (three full groups and one padded) and 5 AVX-512 panels of 16 (a
        // full group of 4 and one padded). Rows 1..=13 cover
        // full and padded tiles of 3 and of 6 rows; 50 and 100 more than one block. 100
        // inputs are 25 lanes: the SSE and AVX2 kernels' pairs of lanes and an odd one.
        let (outputs, inputs) = (80, 100);
        let weight: Vec<f32> = (0..outputs * inputs)
            .map(|_| rng.random_range(-0.2..0.2))
            .collect();
        let bias: Vec<f32> = (0..outputs).map(|_| rng.random_range(-1.0..1.0)).collect();
        for kernel in kernels_here() {
            for rows in (1..=13).chain([50, 100]) {
                let x: Vec<f32> = (0..rows * inputs)
                    .map(|i| {
                        // An outlier in one column, as transformer activations have,
                        // and rows of one sign, as GELU's outputs nearly are.
                        if i % inputs == 7 {
                            12.0
                        } else if (i / inputs) % 4 == 3 {
                            rng.random_range(-0.17..3.0)
                        } else {
                            rng.random_range(-2.0..2.0)
                        }
                    })
                    .collect();
                assert_within_bounds(kernel, &weight, &bias, &x, &format!("{rows} rows"));
            }
        }
    }

    #[test]
    fn the_largest_codes_do_not_saturate() {
        // Every weight at the top of its range and every activation at the top of the
        // row's: each pair of 8-bit products (AVX-512) is 2 x 255 x 63, the most an
        // `i16` sum meets (with 8-bit weights it would saturate at 32,767 and lose a
        // quarter); the SSE and AVX2 kernels' two lanes of 7-bit products,
        // 2 x 2 x 127 x 63.
        let (outputs, inputs) = (16, 64);
        let weight: Vec<f32> = (0..outputs * inputs)
            .map(|i| if (i / inputs) % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let bias = vec![0.0; outputs];
        let mut x = vec![1.0; 3 * inputs];
        for row in x.chunks_exact_mut(inputs) {
            row[0] = 0.0;
        }
        for kernel in kernels_here() {
            assert_within_bounds(kernel, &weight, &bias, &x, "full-scale codes");
        }
    }

    #[test]
    fn rows_of_one_value_keep_it_and_rows_of_zeros_give_the_bias() {
        let (outputs, inputs) = (16, 8);
        let weight: Vec<f32> = (0..outputs * inputs)
            .map(|i| (i % 7) as f32 / 7.0 - 0.5)
            .collect();
        let bias: Vec<f32> = (0..outputs).map(|o| o as f32).collect();
        let mut x = vec![-3.0; inputs];
        x.extend([0.0; 8]);
        for kernel in kernels_here() {
            let layer =
                QuantDense::for_kernel(kernel, &weight, &bias, outputs, inputs).expect("fits");
            let quick = layer.forward(&x);
            // All zeros: the bias alone.
            assert_eq!(&quick[outputs..], &bias[..], "{kernel:?}");
            // All -3: -3 times the sum of the quantized weights, plus the bias.
            let exact = reference(&weight, &bias, &x[..inputs], inputs);
            for (o, (e, q)) in exact.iter().zip(&quick[..outputs]).enumerate() {
                let bound = error_bound(kernel, &weight, &x[..inputs], o);
                assert!(
                    (e - q).abs() <= bound,
                    "{kernel:?}: output {o}: {q} for {e}"
                );
            }
        }
    }

    #[test]
    fn outputs_that_avx512_vectors_do_not_divide_take_the_avx2_kernel() {
        if Kernel::widest(None) != Some(Kernel::Avx512) {
            eprintln!("this CPU has no AVX-512");
            return;
        }
        let layer = QuantDense::for_kernel(Kernel::Avx512, &[0.1; 24 * 4], &[0.0; 24], 24, 4)
            .expect("fits AVX2");
        assert_eq!(layer.kernel, Kernel::Avx2);
        let out = layer.forward(&[1.0, 1.0, 1.0, 1.0]);
        assert!(out.iter().all(|y| (y - 0.4).abs() < 1e-3), "{out:?}");
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx512_tiles_fit_the_rows() {
        let chosen: Vec<usize> = [1, 3, 6, 7, 12, 13, 24, 48]
            .map(simd::wide_tile_rows)
            .to_vec();
        assert_eq!(chosen, [3, 3, 6, 4, 6, 5, 6, 6]);
    }

    #[test]
    fn shapes_the_kernel_cannot_take_are_refused() {
        for kernel in kernels_here() {
            // Four inputs a lane; outputs in whole vectors.
            assert!(QuantDense::for_kernel(kernel, &[0.0; 8 * 6], &[0.0; 8], 8, 6).is_none());
            assert!(QuantDense::for_kernel(kernel, &[0.0; 4 * 3], &[0.0; 3], 3, 4).is_none());
            // More inputs than an `i32` sum is sure to hold.
            let inputs = MAX_INPUTS + 4;
            let weight = vec![0.0; 16 * inputs];
            assert!(QuantDense::for_kernel(kernel, &weight, &[0.0; 16], 16, inputs).is_none());
            // Weights and bias that do not match the shape.
            assert!(QuantDense::for_kernel(kernel, &[0.0; 16 * 4], &[0.0; 8], 16, 4).is_none());
        }
    }
}
