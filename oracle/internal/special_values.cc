// oracle/internal/special_values.cc — see special_values.h.
#include "oracle/internal/special_values.h"

#include <cstdint>

namespace mc2::oracle::internal {

void MarkNonFinite(const Matrix &a, const Matrix &b, const std::vector<double> *bias,
                   std::vector<char> &special) {
    const int64_t m = a.rows, k = a.cols, n = b.cols;
    std::vector<char> row(static_cast<size_t>(m), 0), col(static_cast<size_t>(n), 0);
    bool any = false;
    for (int64_t i = 0; i < m; ++i)
        for (int64_t t = 0; t < k; ++t)
            if (!std::isfinite(a.at(i, t))) row[static_cast<size_t>(i)] = 1, any = true;
    for (int64_t t = 0; t < k; ++t)
        for (int64_t j = 0; j < n; ++j)
            if (!std::isfinite(b.at(t, j))) col[static_cast<size_t>(j)] = 1, any = true;
    if (bias != nullptr)
        for (int64_t j = 0; j < n; ++j)
            if (!std::isfinite((*bias)[static_cast<size_t>(j)])) col[static_cast<size_t>(j)] = 1, any = true;
    if (!any) return;  // the common case: no O(m·n) pass
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j)
            if (row[static_cast<size_t>(i)] || col[static_cast<size_t>(j)]) special[static_cast<size_t>(i * n + j)] = 1;
}

}  // namespace mc2::oracle::internal
