//! Dense layers in integers: weights in 8 bits, activations in 16 (W8A16), products
//! summed in 32-bit integers with AVX2's `vpmaddwd`, which multiplies sixteen pairs of
//! 16-bit integers per instruction where an `f32` FMA multiplies eight.
//!
//! Each output's weights are scaled to -127..=127 once at load; each row of activations
//! is scaled to -4095..=4095 when it arrives, so a row's outliers cost that row alone
//! some precision. The bound keeps every sum in `i32`: `inputs * 127 * 4095` fits for
//! up to 4,096 inputs. The products run on 8 outputs at a time: a row's pair of inputs
//! `(2k, 2k+1)`, broadcast to all lanes, meets each output's pair of weights for the
//! same inputs, packed into one 32-bit lane.
//!
//! Only x86-64 with AVX2 and FMA (checked at run time) takes this path; elsewhere the
//! encoder keeps its `f32` products. `candle`'s own 8-bit products (`QMatMul`) were
//! measured 3x slower than `f32` here: their x86 fast path needs AVX-512 VNNI.

/// The largest weight after scaling.
const WEIGHT_MAX: f32 = 127.0;
/// The largest activation after scaling.
const ACTIVATION_MAX: f32 = 4095.0;
/// The most inputs whose products are certain to fit an `i32`.
const MAX_INPUTS: usize = 4096;
/// Outputs per vector.
const LANES: usize = 8;
/// Vectors of outputs (panels) a tile computes: with [`ROWS`] rows, 9 vectors of sums,
/// 3 of weights and a broadcast row value fit AVX2's 16 registers without spilling.
const PANELS: usize = 3;
/// Rows a tile computes.
const ROWS: usize = 3;
/// Tiles of rows that meet one group of panels before the next group: 48 rows, whose
/// packed activations (at most 4096 inputs: 384 KB) stay in a core's L2 cache while the
/// weights go by.
const TILES_PER_BLOCK: usize = 16;

/// A dense layer's weights and bias, quantized and packed for [`QuantDense::forward`].
pub(crate) struct QuantDense {
    inputs: usize,
    outputs: usize,
    /// Groups of [`PANELS`] panels of 8 outputs, the last padded with zero weights.
    /// For each pair of inputs `k`, a group holds its panels one after another, and a
    /// panel its outputs' two weights each: `weights[(group * pairs + k) * PANELS + v]`
    /// holds, at `2j` and `2j + 1`, the weights of output `8 (group * PANELS + v) + j`
    /// for inputs `2k` and `2k + 1`. Widened to `i16` as they are read, they make the
    /// lanes `vpmaddwd` multiplies; stored in 8 bits they take half the memory traffic.
    weights: Vec<[i8; 2 * LANES]>,
    /// Per output, by panel: the weight scale (a weight is its integer times the scale)
    /// and the bias; zero in padding.
    scales: Vec<[f32; LANES]>,
    bias: Vec<[f32; LANES]>,
}

impl QuantDense {
    /// Quantizes `weight` (`[outputs, inputs]`, row-major) and `bias` (`outputs`).
    /// `None` where this CPU lacks AVX2 or FMA, or the shape does not fit the kernel
    /// (an odd number of inputs, outputs not a multiple of 8, more than 4,096 inputs).
    pub(crate) fn new(weight: &[f32], bias: &[f32], outputs: usize, inputs: usize) -> Option<Self> {
        if !simd::available()
            || !inputs.is_multiple_of(2)
            || !outputs.is_multiple_of(LANES)
            || inputs > MAX_INPUTS
            || weight.len() != outputs * inputs
            || bias.len() != outputs
        {
            return None;
        }
        Some(Self::pack(weight, bias, outputs, inputs))
    }

    fn pack(weight: &[f32], bias: &[f32], outputs: usize, inputs: usize) -> Self {
        let pairs = inputs / 2;
        let mut quantized = vec![0i16; outputs * inputs];
        let mut scale = vec![0f32; outputs];
        for (o, row) in weight.chunks_exact(inputs).enumerate() {
            scale[o] = quantize_row(row, WEIGHT_MAX, &mut quantized[o * inputs..][..inputs]);
        }
        let groups = (outputs / LANES).div_ceil(PANELS);
        let mut weights = Vec::with_capacity(groups * pairs * PANELS);
        for group in 0..groups {
            for k in 0..pairs {
                for v in 0..PANELS {
                    weights.push(std::array::from_fn(|i| {
                        let output = (group * PANELS + v) * LANES + i / 2;
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
        let by_panel = |values: &[f32]| -> Vec<[f32; LANES]> {
            let mut panels: Vec<[f32; LANES]> = values
                .chunks_exact(LANES)
                .map(|chunk| chunk.try_into().expect("chunks of LANES"))
                .collect();
            panels.resize(groups * PANELS, [0.0; LANES]);
            panels
        };
        Self {
            inputs,
            outputs,
            weights,
            scales: by_panel(&scale),
            bias: by_panel(bias),
        }
    }

    pub(crate) fn outputs(&self) -> usize {
        self.outputs
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

/// Quantizes `x` (`rows` rows of `inputs`) row by row and packs it for the kernel: tiles
/// of [`ROWS`] rows (the last padded with zero rows), and within a tile, for each pair
/// of inputs `k`, the tile's rows one after another. Returns the packed pairs and each
/// row's scale (zero in padding).
#[inline(always)]
fn pack_rows(x: &[f32], rows: usize, inputs: usize) -> (Vec<i32>, Vec<f32>) {
    let pairs = inputs / 2;
    let tiles = rows.div_ceil(ROWS);
    let mut packed = vec![0i32; tiles * pairs * ROWS];
    let mut scales = vec![0f32; tiles * ROWS];
    let mut row_q = vec![0i16; inputs];
    for (row, values) in x.chunks_exact(inputs).enumerate() {
        scales[row] = quantize_row(values, ACTIVATION_MAX, &mut row_q);
        let (tile, r) = (row / ROWS, row % ROWS);
        let tile_pairs = &mut packed[tile * pairs * ROWS..][..pairs * ROWS];
        for (slot, pair) in tile_pairs
            .iter_mut()
            .skip(r)
            .step_by(ROWS)
            .zip(row_q.chunks_exact(2))
        {
            *slot = pack_pair(pair[0], pair[1]);
        }
    }
    (packed, scales)
}

#[cfg(target_arch = "x86_64")]
mod simd {
    use super::{LANES, PANELS, QuantDense, ROWS, TILES_PER_BLOCK, pack_rows};
    use pulp::x86::V3;
    use pulp::{NullaryFnOnce, as_arrays, cast};
    use rayon::prelude::*;
    use std::arch::x86_64::{__m128i, __m256, __m256i};

    pub(super) fn available() -> bool {
        V3::try_new().is_some()
    }

    pub(super) fn forward(layer: &QuantDense, x: &[f32], rows: usize, out: &mut [f32]) {
        let simd = V3::try_new().expect("QuantDense is only built where AVX2 and FMA are");
        let block = ROWS * TILES_PER_BLOCK;
        if rows <= block {
            simd.vectorize(Forward {
                simd,
                layer,
                x,
                rows,
                out,
            });
            return;
        }
        // Batches: blocks of rows on rayon's threads, as candle's gemm spreads its `f32`
        // products (a single text's pool has one thread and runs them in turn).
        out.par_chunks_mut(block * layer.outputs)
            .zip(x.par_chunks(block * layer.inputs))
            .for_each(|(out, x)| {
                simd.vectorize(Forward {
                    simd,
                    layer,
                    x,
                    rows: x.len() / layer.inputs,
                    out,
                });
            });
    }

    struct Forward<'a> {
        simd: V3,
        layer: &'a QuantDense,
        x: &'a [f32],
        rows: usize,
        out: &'a mut [f32],
    }

    impl NullaryFnOnce for Forward<'_> {
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
            let pairs = layer.inputs / 2;
            let (packed, row_scales) = pack_rows(x, rows, layer.inputs);
            let tiles = rows.div_ceil(ROWS);
            let groups = layer.scales.len() / PANELS;
            for first in (0..tiles).step_by(TILES_PER_BLOCK) {
                for group in 0..groups {
                    let weights = &layer.weights[group * pairs * PANELS..][..pairs * PANELS];
                    for tile in first..tiles.min(first + TILES_PER_BLOCK) {
                        let sums = products(
                            simd,
                            &packed[tile * pairs * ROWS..][..pairs * ROWS],
                            weights,
                        );
                        store(simd, layer, &sums, (tile, &row_scales), (group, rows), out);
                    }
                }
            }
        }
    }

    /// One tile's rows against one group's panels: `ROWS * PANELS` vectors of sums stay
    /// in registers while the pairs of inputs go by.
    #[inline(always)]
    fn products(simd: V3, x: &[i32], weights: &[[i8; 2 * LANES]]) -> [[__m256i; PANELS]; ROWS] {
        let (x, _) = as_arrays::<ROWS, _>(x);
        let (weights, _) = as_arrays::<PANELS, _>(weights);
        let mut sums = [[simd.avx._mm256_setzero_si256(); PANELS]; ROWS];
        for (x, weights) in x.iter().zip(weights) {
            let weights: [__m256i; PANELS] =
                weights.map(|w| simd.avx2._mm256_cvtepi8_epi16(cast::<_, __m128i>(w)));
            for (sums, &pair) in sums.iter_mut().zip(x) {
                let pair = simd.avx._mm256_set1_epi32(pair);
                for (sum, &weights) in sums.iter_mut().zip(&weights) {
                    *sum = simd
                        .avx2
                        ._mm256_add_epi32(*sum, simd.avx2._mm256_madd_epi16(pair, weights));
                }
            }
        }
        sums
    }

    /// Scales a tile's sums back to `f32`, adds the bias and writes the rows and outputs
    /// that are not padding.
    #[inline(always)]
    fn store(
        simd: V3,
        layer: &QuantDense,
        sums: &[[__m256i; PANELS]; ROWS],
        (tile, row_scales): (usize, &[f32]),
        (group, rows): (usize, usize),
        out: &mut [f32],
    ) {
        let outputs = layer.outputs;
        for v in 0..PANELS {
            let panel = group * PANELS + v;
            if panel * LANES >= outputs {
                break;
            }
            let scale: __m256 = cast(layer.scales[panel]);
            let bias: __m256 = cast(layer.bias[panel]);
            for (r, sums) in sums.iter().enumerate() {
                let row = tile * ROWS + r;
                if row >= rows {
                    break;
                }
                let step = simd
                    .avx
                    ._mm256_mul_ps(scale, simd.avx._mm256_set1_ps(row_scales[row]));
                let y = simd
                    .fma
                    ._mm256_fmadd_ps(simd.avx._mm256_cvtepi32_ps(sums[v]), step, bias);
                let y: [f32; LANES] = cast(y);
                out[row * outputs + panel * LANES..][..LANES].copy_from_slice(&y);
            }
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod simd {
    use super::QuantDense;

    pub(super) fn available() -> bool {
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
        let Some(_) = QuantDense::new(&[0.0; 16], &[0.0; 8], 8, 2) else {
            eprintln!("this CPU has no AVX2: the f32 products stay in use");
            return;
        };
        let mut rng = StdRng::seed_from_u64(3);
        // 5 panels (a full group and one padded with a zero panel); rows 1..=9 cover full
        // and padded tiles, 50 more than one block of tiles.
        let (outputs, inputs) = (40, 96);
        let weight: Vec<f32> = (0..outputs * inputs)
            .map(|_| rng.random_range(-0.2..0.2))
            .collect();
        let bias: Vec<f32> = (0..outputs).map(|_| rng.random_range(-1.0..1.0)).collect();
        let layer = QuantDense::new(&weight, &bias, outputs, inputs).expect("fits");
        for rows in (1..=9).chain([50]) {
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
            // Weights to 1/254 of their range and activations to 1/8190: about 0.4% of
            // a typical product sum's size here.
            assert!(worst < 0.05, "{rows} rows: largest error {worst}");
        }
    }

    #[test]
    fn shapes_the_kernel_cannot_take_are_refused() {
        assert!(QuantDense::new(&[0.0; 12], &[0.0; 4], 4, 3).is_none());
        assert!(QuantDense::new(&[0.0; 9 * 8], &[0.0; 8], 8, 9).is_none());
    }
}
