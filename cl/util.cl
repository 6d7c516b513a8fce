/* Small buffer utilities used by several modules. */

/* x[i] = value for i < n. */
__kernel void fill_f32(__global float *x, const uint n, const float value)
{
    const uint i = get_global_id(0);
    if (i < n)
        x[i] = value;
}

/* y[i] = alpha * x[i] + y[i] for i < n. */
__kernel void axpy_f32(const uint n, const float alpha, __global const float *x, __global float *y)
{
    const uint i = get_global_id(0);
    if (i < n)
        y[i] = alpha * x[i] + y[i];
}
