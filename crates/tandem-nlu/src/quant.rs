//! Dense layers in integers: weights in 8 bits, activations in 16 (W8A16), products
//! summed in 32-bit integers with `vpmaddwd`, which multiplies sixteen pairs of 16-bit
//! integers per 256 bits where an `f32` FMA multiplies eight.
//!
//! Each output's weights are scaled to -127..=127 once at load; each row of activations
//! is scaled to -4095..=4095 when it arrives, so a row's outliers cost that row alone
//! some precision. The bound keeps every sum in `i32`: `inputs * 127 * 4095` fits for
//! up to 4,096 inputs. The products run on a vector of outputs at a time: a row's pair
//! of inputs `(2k, 2k+1)`, broadcast to all lanes, meets each output's pair of weights
//! for the same inputs, packed into one 32-bit lane.
//!
//! Two kernels, chosen at run time: AVX-512 (F and BW; 16 outputs a vector) where the
//! CPU has it, else AVX2 with FMA (8 outputs a vector). Elsewhere the encoder keeps its
//! `f32` products. `candle`'s own 8-bit products (`QMatMul`) were measured 3x slower
//! than `f32` on an AVX2 CPU: their x86 fast path needs AVX-512 VNNI, whose intrinsics
//! `pulp` does not wrap (and the workspace forbids `unsafe`).

/// The largest weight after scaling.
const WEIGHT_MAX: f32 = 127.0;
/// The largest activation after scaling.
const ACTIVATION_MAX: f32 = 4095.0;
/// The most inputs whose products are certain to fit an `i32`.
const MAX_INPUTS: usize = 4096;
/// Rows that meet one group of panels before the next group: their packed activations
/// (at most 4096 inputs: 384 KB) stay in a core's L2 cache while the weights go by.
/// Batches of more rows are split into blocks of this many for rayon's threads.
const BLOCK_ROWS: usize = 48;

/// The instruction set a layer is packed for, and so the shape of its tiles: a tile is
/// `rows` rows of activations against `panels` vectors of `lanes` outputs, whose sums
/// stay in registers while the inputs go by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// AVX2 and FMA: 8 outputs a vector; 3 rows x 3 vectors of sums, 3 of weights and a
    /// broadcast row value fill 13 of the 16 registers without spilling.
    Avx2,
    /// AVX-512 F and BW: 16 outputs a vector; up to 6 rows x 4 vectors of sums, 4 of
    /// weights and a broadcast take 29 of the 32 registers. A layer's rows go in tiles
    /// of 3 to 6 rows, whichever wastes least on padding.
    Avx512,
}

#[derive(Clone, Copy)]
struct Shape {
    lanes: usize,
    panels: usize,
    rows: usize,
}

const AVX2: Shape = Shape {
    lanes: 8,
    panels: 3,
    rows: 3,
};
const AVX512: Shape = Shape {
    lanes: 16,
    panels: 4,
    rows: 6,
};

impl Kernel {
    fn shape(self) -> Shape {
        match self {
            Self::Avx2 => AVX2,
            Self::Avx512 => AVX512,
        }
    }

    /// The widest kernel this CPU runs; `None` without AVX2 and FMA.
    pub(crate) fn detect() -> Option<Self> {
        simd::detect()
    }
}

/// Packed weights, one entry a panel's weights for one pair of inputs.
enum Packed {
    Avx2(Vec<[i8; 2 * AVX2.lanes]>),
    Avx512(Vec<[i8; 2 * AVX512.lanes]>),
}

/// A dense layer's weights and bias, quantized and packed for [`QuantDense::forward`].
pub(crate) struct QuantDense {
    inputs: usize,
    outputs: usize,
    /// Groups of `panels` panels of `lanes` outputs, the last padded with zero weights.
    /// For each pair of inputs `k`, a group holds its panels one after another, and a
    /// panel its outputs' two weights each: `weights[(group * pairs + k) * panels + v]`
    /// holds, at `2j` and `2j + 1`, the weights of output `lanes (group * panels + v) + j`
    /// for inputs `2k` and `2k + 1`. Widened to `i16` as they are read, they make the
    /// lanes `vpmaddwd` multiplies; stored in 8 bits they take half the memory traffic.
    weights: Packed,
    /// Per output, in panel order: the weight scale (a weight is its integer times the
    /// scale) and the bias; zero in padding.
    scales: Vec<f32>,
    bias: Vec<f32>,
}

impl QuantDense {
    /// Quantizes `weight` (`[outputs, inputs]`, row-major) and `bias` (`outputs`) for
    /// the widest kernel this CPU runs. `None` where it lacks AVX2 or FMA, or the shape
    /// does not fit a kernel (an odd number of inputs, outputs not a multiple of 8,
    /// more than 4,096 inputs).
    pub(crate) fn new(weight: &[f32], bias: &[f32], outputs: usize, inputs: usize) -> Option<Self> {
        Self::for_kernel(Kernel::detect()?, weight, bias, outputs, inputs)
    }

    /// As [`QuantDense::new`], for `kernel`; a layer whose outputs AVX-512's vectors
    /// do not divide takes the AVX2 kernel. `None` where the CPU cannot run it.
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
            || !inputs.is_multiple_of(2)
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
        let mut quantized = vec![0i16; outputs * inputs];
        let mut scale = vec![0f32; outputs];
        for (o, row) in weight.chunks_exact(inputs).enumerate() {
            scale[o] = quantize_row(row, WEIGHT_MAX, &mut quantized[o * inputs..][..inputs]);
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
            weights: match kernel {
                Kernel::Avx2 => Packed::Avx2(pack_weights(&quantized, outputs, inputs, panels)),
                Kernel::Avx512 => Packed::Avx512(pack_weights(&quantized, outputs, inputs, panels)),
            },
            scales: pad(&scale),
            bias: pad(bias),
        }
    }

    pub(crate) fn outputs(&self) -> usize {
        self.outputs
    }

    /// The kernel the layer is packed for.
    #[cfg(test)]
    fn kernel(&self) -> Kernel {
        match self.weights {
            Packed::Avx2(_) => Kernel::Avx2,
            Packed::Avx512(_) => Kernel::Avx512,
        }
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

/// Lays out quantized weights (`[outputs, inputs]`, each within -127..=127) in groups
/// of `panels` panels of `BYTES / 2` outputs, as [`QuantDense::weights`] describes.
fn pack_weights<const BYTES: usize>(
    quantized: &[i16],
    outputs: usize,
    inputs: usize,
    panels: usize,
) -> Vec<[i8; BYTES]> {
    let (lanes, pairs) = (BYTES / 2, inputs / 2);
    let groups = (outputs / lanes).div_ceil(panels);
    let mut weights = Vec::with_capacity(groups * pairs * panels);
    for group in 0..groups {
        for k in 0..pairs {
            for v in 0..panels {
                weights.push(std::array::from_fn(|i| {
                    let output = (group * panels + v) * lanes + i / 2;
                    if output < outputs {
                        // Within -127..=127 by construction.
                        quantized[output * inputs + 2 * k + i % 2] as i8
                    } else {
                        0
                    }
                }));
            }
        }
    }
    weights
}

/// Scales `row` to `-max..=max`, rounds it into `out`, and returns the scale (a value is
/// its integer times the scale); an all-zero row gets scale 0.
#[inline(always)]
fn quantize_row(row: &[f32], max: f32, out: &mut [i16]) -> f32 {
    let largest = row.iter().fold(0f32, |m, v| m.max(v.abs()));
    let inverse = if largest > 0.0 { max / largest } else { 0.0 };
    for (q, v) in out.iter_mut().zip(row) {
        let t = v * inverse;
        // Round half away from zero; `as` saturates, and |t| <= max anyway.
        *q = (t + 0.5f32.copysign(t)) as i16;
    }
    if largest > 0.0 { largest / max } else { 0.0 }
}

/// Two `i16` in one `i32` lane, `low` in the low half, as `vpmaddwd` reads them.
#[inline(always)]
fn pack_pair(low: i16, high: i16) -> i32 {
    (i32::from(high) << 16) | i32::from(low as u16)
}

/// Quantizes `x` (`rows` rows of `inputs`) row by row and packs it for a kernel: tiles
/// of `tile_rows` rows (the last padded with zero rows), and within a tile, for each
/// pair of inputs `k`, the tile's rows one after another. Returns the packed pairs and
/// each row's scale (zero in padding).
#[inline(always)]
fn pack_rows(x: &[f32], rows: usize, inputs: usize, tile_rows: usize) -> (Vec<i32>, Vec<f32>) {
    let pairs = inputs / 2;
    let tiles = rows.div_ceil(tile_rows);
    let mut packed = vec![0i32; tiles * pairs * tile_rows];
    let mut scales = vec![0f32; tiles * tile_rows];
    let mut row_q = vec![0i16; inputs];
    for (row, values) in x.chunks_exact(inputs).enumerate() {
        scales[row] = quantize_row(values, ACTIVATION_MAX, &mut row_q);
        let (tile, r) = (row / tile_rows, row % tile_rows);
        let tile_pairs = &mut packed[tile * pairs * tile_rows..][..pairs * tile_rows];
        for (slot, pair) in tile_pairs
            .iter_mut()
            .skip(r)
            .step_by(tile_rows)
            .zip(row_q.chunks_exact(2))
        {
            *slot = pack_pair(pair[0], pair[1]);
        }
    }
    (packed, scales)
}

#[cfg(target_arch = "x86_64")]
mod simd {
    use super::{AVX512, BLOCK_ROWS, Kernel, Packed, QuantDense, pack_rows};
    use avx512::Wide;
    use pulp::NullaryFnOnce;
    use pulp::x86::{V3, V4};
    use rayon::prelude::*;

    pub(super) fn detect() -> Option<Kernel> {
        if V4::try_new().is_some() {
            Some(Kernel::Avx512)
        } else if V3::try_new().is_some() {
            Some(Kernel::Avx2)
        } else {
            None
        }
    }

    pub(super) fn runs(kernel: Kernel) -> bool {
        match kernel {
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
        match &layer.weights {
            Packed::Avx2(weights) => {
                let simd = V3::try_new().expect("packed for AVX2 where the CPU has it");
                simd.vectorize(Block {
                    simd,
                    layer,
                    weights,
                    x,
                    rows,
                    out,
                });
            }
            Packed::Avx512(weights) => {
                let simd = V4::try_new().expect("packed for AVX-512 where the CPU has it");
                // AVX-512 has registers for tiles of up to 6 rows; fewer rows a tile
                // waste less on padding where the rows do not divide by 6.
                fn wide<const R: usize>(
                    simd: V4,
                    layer: &QuantDense,
                    weights: &[[i8; 2 * AVX512.lanes]],
                    x: &[f32],
                    rows: usize,
                    out: &mut [f32],
                ) {
                    simd.vectorize(Block {
                        simd: Wide::<R>(simd),
                        layer,
                        weights,
                        x,
                        rows,
                        out,
                    });
                }
                match wide_tile_rows(rows) {
                    3 => wide::<3>(simd, layer, weights, x, rows, out),
                    4 => wide::<4>(simd, layer, weights, x, rows, out),
                    5 => wide::<5>(simd, layer, weights, x, rows, out),
                    _ => wide::<6>(simd, layer, weights, x, rows, out),
                }
            }
        }
    }

    /// The rows of AVX-512 tiles for `rows` rows: the fewest tiles' worth of work,
    /// counting a tile of `r` rows as `r + 1` (the weights it widens cost about a row).
    pub(super) fn wide_tile_rows(rows: usize) -> usize {
        (3..=AVX512.rows)
            .rev()
            .min_by_key(|&r| rows.div_ceil(r) * (r + 1))
            .expect("a range of sizes")
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
        /// A panel's weights for one pair of inputs.
        type Panel;
        /// A tile's sums, `[[vector; PANELS]; ROWS]`.
        type Sums;

        /// One tile's packed rows (`ROWS` per pair of inputs) against one group's
        /// panels (`PANELS` per pair); the sums stay in registers.
        fn products(self, x: &[i32], weights: &[Self::Panel]) -> Self::Sums;

        /// Writes to `out` row `r`'s sums for panel `v` times `scales` (per output) and
        /// `row_scale`, plus `bias`.
        fn store(
            self,
            sums: &Self::Sums,
            at: (usize, usize),
            scales: (&[f32], f32),
            bias: &[f32],
            out: &mut [f32],
        );
    }

    /// Up to [`BLOCK_ROWS`] rows through one layer, tile by tile, group by group.
    struct Block<'a, S: Tiles> {
        simd: S,
        layer: &'a QuantDense,
        weights: &'a [S::Panel],
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
                weights,
                x,
                rows,
                out,
            } = self;
            let (inputs, outputs) = (layer.inputs, layer.outputs);
            let pairs = inputs / 2;
            let (packed, row_scales) = pack_rows(x, rows, inputs, S::ROWS);
            let tiles = rows.div_ceil(S::ROWS);
            let groups = layer.scales.len() / (S::PANELS * S::LANES);
            for group in 0..groups {
                let weights = &weights[group * pairs * S::PANELS..][..pairs * S::PANELS];
                for tile in 0..tiles {
                    let x = &packed[tile * pairs * S::ROWS..][..pairs * S::ROWS];
                    let sums = simd.products(x, weights);
                    for v in 0..S::PANELS {
                        let first = (group * S::PANELS + v) * S::LANES;
                        if first >= outputs {
                            break;
                        }
                        let scales = &layer.scales[first..][..S::LANES];
                        let bias = &layer.bias[first..][..S::LANES];
                        for r in 0..S::ROWS {
                            let row = tile * S::ROWS + r;
                            if row >= rows {
                                break;
                            }
                            let out = &mut out[row * outputs + first..][..S::LANES];
                            simd.store(&sums, (r, v), (scales, row_scales[row]), bias, out);
                        }
                    }
                }
            }
        }
    }

    mod avx2 {
        use super::super::AVX2;
        use super::Tiles;
        use pulp::x86::V3;
        use pulp::{as_arrays, cast};
        use std::arch::x86_64::{__m128i, __m256i};

        const LANES: usize = AVX2.lanes;
        const PANELS: usize = AVX2.panels;
        const ROWS: usize = AVX2.rows;

        impl Tiles for V3 {
            const ROWS: usize = ROWS;
            const PANELS: usize = PANELS;
            const LANES: usize = LANES;
            type Panel = [i8; 2 * LANES];
            type Sums = [[__m256i; PANELS]; ROWS];

            #[inline(always)]
            fn products(self, x: &[i32], weights: &[Self::Panel]) -> Self::Sums {
                let (x, _) = as_arrays::<ROWS, _>(x);
                let (weights, _) = as_arrays::<PANELS, _>(weights);
                let mut sums = [[self.avx._mm256_setzero_si256(); PANELS]; ROWS];
                for (x, weights) in x.iter().zip(weights) {
                    let weights: [__m256i; PANELS] =
                        weights.map(|w| self.avx2._mm256_cvtepi8_epi16(cast::<_, __m128i>(w)));
                    for (sums, &pair) in sums.iter_mut().zip(x) {
                        let pair = self.avx._mm256_set1_epi32(pair);
                        for (sum, &weights) in sums.iter_mut().zip(&weights) {
                            let products = self.avx2._mm256_madd_epi16(pair, weights);
                            *sum = self.avx2._mm256_add_epi32(*sum, products);
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
                (scales, row_scale): (&[f32], f32),
                bias: &[f32],
                out: &mut [f32],
            ) {
                let scales: [f32; LANES] = scales.try_into().expect("a panel's scales");
                let bias: [f32; LANES] = bias.try_into().expect("a panel's biases");
                let step = self
                    .avx
                    ._mm256_mul_ps(cast(scales), self.avx._mm256_set1_ps(row_scale));
                let sums = self.avx._mm256_cvtepi32_ps(sums[r][v]);
                let y: [f32; LANES] = cast(self.fma._mm256_fmadd_ps(sums, step, cast(bias)));
                out.copy_from_slice(&y);
            }
        }
    }

    mod avx512 {
        use super::super::AVX512;
        use super::Tiles;
        use pulp::x86::V4;
        use pulp::{as_arrays, cast};
        use std::arch::x86_64::{__m256i, __m512i};

        const LANES: usize = AVX512.lanes;
        const PANELS: usize = AVX512.panels;

        /// AVX-512 tiles of `ROWS` rows.
        #[derive(Clone, Copy)]
        pub(super) struct Wide<const ROWS: usize>(pub(super) V4);

        impl<const ROWS: usize> Tiles for Wide<ROWS> {
            const ROWS: usize = ROWS;
            const PANELS: usize = PANELS;
            const LANES: usize = LANES;
            type Panel = [i8; 2 * LANES];
            type Sums = [[__m512i; PANELS]; ROWS];

            #[inline(always)]
            fn products(self, x: &[i32], weights: &[Self::Panel]) -> Self::Sums {
                let (x, _) = as_arrays::<ROWS, _>(x);
                let (weights, _) = as_arrays::<PANELS, _>(weights);
                let mut sums = [[self.0.avx512f._mm512_setzero_si512(); PANELS]; ROWS];
                for (x, weights) in x.iter().zip(weights) {
                    let weights: [__m512i; PANELS] = weights
                        .map(|w| self.0.avx512bw._mm512_cvtepi8_epi16(cast::<_, __m256i>(w)));
                    for (sums, &pair) in sums.iter_mut().zip(x) {
                        let pair = self.0.avx512f._mm512_set1_epi32(pair);
                        for (sum, &weights) in sums.iter_mut().zip(&weights) {
                            let products = self.0.avx512bw._mm512_madd_epi16(pair, weights);
                            *sum = self.0.avx512f._mm512_add_epi32(*sum, products);
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
                (scales, row_scale): (&[f32], f32),
                bias: &[f32],
                out: &mut [f32],
            ) {
                let scales: [f32; LANES] = scales.try_into().expect("a panel's scales");
                let bias: [f32; LANES] = bias.try_into().expect("a panel's biases");
                let step = self
                    .0
                    .avx512f
                    ._mm512_mul_ps(cast(scales), self.0.avx512f._mm512_set1_ps(row_scale));
                let sums = self.0.avx512f._mm512_cvtepi32_ps(sums[r][v]);
                let y: [f32; LANES] = cast(self.0.avx512f._mm512_fmadd_ps(sums, step, cast(bias)));
                out.copy_from_slice(&y);
            }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod simd {
    use super::{Kernel, QuantDense};

    pub(super) fn detect() -> Option<Kernel> {
        None
    }

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
    fn packing_puts_the_first_input_in_the_low_half() {
        assert_eq!(pack_pair(1, 0), 1);
        assert_eq!(pack_pair(0, 1), 1 << 16);
        assert_eq!(pack_pair(-1, 0), 0xffff);
        assert_eq!(pack_pair(0, -1), -65536);
    }

    #[test]
    fn rounding_scales_the_largest_value_to_the_bound() {
        let mut q = [0i16; 4];
        let scale = quantize_row(&[0.5, -2.0, 0.01, 1.0], 127.0, &mut q);
        assert_eq!(q, [32, -127, 1, 64]);
        assert!((scale - 2.0 / 127.0).abs() < 1e-9);
        let scale = quantize_row(&[0.0, 0.0], 127.0, &mut q[..2]);
        assert_eq!((scale, q[0], q[1]), (0.0, 0, 0));
    }

    #[test]
    fn integer_products_match_the_float_ones_for_every_tile_shape() {
        let Some(widest) = Kernel::detect() else {
            eprintln!("this CPU has no AVX2: the f32 products stay in use");
            return;
        };
        let kernels: &[Kernel] = match widest {
            Kernel::Avx512 => &[Kernel::Avx2, Kernel::Avx512],
            Kernel::Avx2 => {
                eprintln!("this CPU has no AVX-512: only the AVX2 kernel is checked");
                &[Kernel::Avx2]
            }
        };
        let mut rng = StdRng::seed_from_u64(3);
        // 80 outputs: 10 AVX2 panels of 8 (three full groups of 3 and one padded) and 5
        // AVX-512 panels of 16 (a full group of 4 and one padded). Rows 1..=13 cover
        // full and padded tiles of 3 and of 6 rows; 50 and 100 more than one block.
        let (outputs, inputs) = (80, 96);
        let weight: Vec<f32> = (0..outputs * inputs)
            .map(|_| rng.random_range(-0.2..0.2))
            .collect();
        let bias: Vec<f32> = (0..outputs).map(|_| rng.random_range(-1.0..1.0)).collect();
        for &kernel in kernels {
            let layer =
                QuantDense::for_kernel(kernel, &weight, &bias, outputs, inputs).expect("fits");
            assert_eq!(layer.kernel(), kernel);
            for rows in (1..=13).chain([50, 100]) {
                let x: Vec<f32> = (0..rows * inputs)
                    .map(|i| {
                        // An outlier in one column, as transformer activations have.
                        if i % inputs == 7 {
                            12.0
                        } else {
                            rng.random_range(-2.0..2.0)
                        }
                    })
                    .collect();
                let exact = reference(&weight, &bias, &x, inputs);
                let quick = layer.forward(&x);
                assert_eq!(quick.len(), rows * outputs);
                let worst = exact
                    .iter()
                    .zip(&quick)
                    .map(|(e, q)| (e - q).abs())
                    .fold(0f32, f32::max);
                // Weights to 1/254 of their range and activations to 1/8190: about 0.4%
                // of a typical product sum's size here.
                assert!(
                    worst < 0.05,
                    "{kernel:?}, {rows} rows: largest error {worst}"
                );
            }
        }
    }

    #[test]
    fn outputs_that_avx512_vectors_do_not_divide_take_the_avx2_kernel() {
        if Kernel::detect() != Some(Kernel::Avx512) {
            eprintln!("this CPU has no AVX-512");
            return;
        }
        let layer = QuantDense::for_kernel(Kernel::Avx512, &[0.1; 24 * 4], &[0.0; 24], 24, 4)
            .expect("fits AVX2");
        assert_eq!(layer.kernel(), Kernel::Avx2);
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
        assert!(QuantDense::new(&[0.0; 12], &[0.0; 4], 4, 3).is_none());
        assert!(QuantDense::new(&[0.0; 9 * 8], &[0.0; 8], 8, 9).is_none());
    }
}
