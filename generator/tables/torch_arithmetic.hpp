// Float32 arithmetic as PyTorch 1.13's CPU kernels round it, for the neuron kinds whose tables
// PolyLUT and NeuraLUT compute with elementwise products and torch.sum.
#pragma once

#include <cstddef>

namespace lutgen {

// The float16 value nearest to x (ties to even), returned as float: what a float32 to float16
// conversion followed by promotion back to float32 gives. Overflow gives infinity.
float round_to_float16(float x);

// torch.sum over the last, contiguous dimension of a float32 tensor, in the order of PyTorch's
// cascade_sum with AVX2. Rows of 8 or more values are summed lane-wise in 4 interleaved vector
// accumulators, then the tail and the 8 lanes are added. Shorter rows use 4 scalar accumulators.
float torch_row_sum(const float* values, size_t count);

} // namespace lutgen
