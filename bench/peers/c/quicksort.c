/* Recursive quicksort: same algorithm as bench/quicksort.dast. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

static void sort(int64_t *v, int64_t lo, int64_t hi) {
    if (lo >= hi) return;
    int64_t pivot = v[hi], i = lo;
    for (int64_t j = lo; j < hi; j++) {
        if (v[j] < pivot) { int64_t t = v[i]; v[i] = v[j]; v[j] = t; i++; }
    }
    int64_t t = v[i]; v[i] = v[hi]; v[hi] = t;
    sort(v, lo, i - 1);
    sort(v, i + 1, hi);
}

int main(void) {
    const int64_t n = 1000000;
    int64_t check = 0, seed = 42;
    int64_t *v = malloc(sizeof(int64_t) * n);
    for (int64_t round = 0; round < 3; round++) {
        for (int64_t k = 0; k < n; k++) {
            seed = (seed * 48271) % 2147483647LL;
            v[k] = seed % 1000000;
        }
        sort(v, 0, n - 1);
        for (int64_t k = 0; k < n; k += 997)
            check = (check + v[k] * (k % 1000 + round)) % 1000000007;
    }
    printf("%lld\n", (long long)check);
    free(v);
    return 0;
}
