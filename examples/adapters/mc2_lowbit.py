# examples/adapters/mc2_lowbit.py — decoding the 8-bit and 4-bit float codes torch 1.13 has no type
# for (no torch.float8_*: those arrived in torch 2.1) into float64, by 256- or 16-entry tables
# built here from the formats' definitions (OCP 8-bit floating point and microscaling formats):
#   FLOAT8_E4M3FN  s eeee mmm, bias 7, subnormals at e = 0, no infinity, S.1111.111 NaN;
#   FLOAT8_E5M2    s eeeee mm, bias 15, IEEE-like (e = 31: infinity / NaN);
#   FLOAT4_E2M1    s ee m, bias 1: ±{0, 0.5, 1, 1.5, 2, 3, 4, 6};
#   FLOAT8_E8M0    eeeeeeee: 2^(e − 127), 0xFF NaN (the MX block scales).
# HIFLOAT8's tapered encoding is not decoded here: the adapter answers it NOT_SUPPORTED.
# A bundle holds these as one code per byte (.npy |u1), 4-bit codes in the low nibble.
import numpy as np


def _minifloat(exp_bits, man_bits, bias, ieee_specials):
    codes = np.arange(1 << (1 + exp_bits + man_bits), dtype=np.int64)
    sign = np.where(codes >> (exp_bits + man_bits) & 1, -1.0, 1.0)
    e = (codes >> man_bits) & ((1 << exp_bits) - 1)
    m = (codes & ((1 << man_bits) - 1)).astype(np.float64)
    normal = (1.0 + m / (1 << man_bits)) * np.exp2(e.astype(np.float64) - bias)
    sub = (m / (1 << man_bits)) * 2.0 ** (1 - bias)
    v = sign * np.where(e == 0, sub, normal)
    top = e == (1 << exp_bits) - 1
    if ieee_specials:  # all-ones exponent: infinity (mantissa 0) or NaN
        v = np.where(top & (m == 0), sign * np.inf, np.where(top, np.nan, v))
    return v


_E4M3FN = _minifloat(4, 3, 7, ieee_specials=False)
_E4M3FN[0x7F] = _E4M3FN[0xFF] = np.nan  # the only NaN codes; no infinity
_E5M2 = _minifloat(5, 2, 15, ieee_specials=True)
_E2M1 = _minifloat(2, 1, 1, ieee_specials=False)  # no specials: 0b0111 is 6
_E8M0 = np.where(np.arange(256) == 255, np.nan, np.exp2(np.arange(256, dtype=np.float64) - 127))

TABLES = {"float8_e4m3fn": _E4M3FN, "float8_e5m2": _E5M2, "float4_e2m1": _E2M1, "float8_e8m0": _E8M0}


def decode(codes, dtype):
    """float64 values of a uint8 code array (numpy) of `dtype`; KeyError for a format not decoded."""
    table = TABLES[dtype]
    return table[np.asarray(codes).astype(np.int64) & (len(table) - 1)]
