-- Recursive quicksort: same algorithm as bench/quicksort.dast (1-based array, same
-- values and checksum).
local function sort(v, lo, hi)
    if lo >= hi then return end
    local pivot = v[hi]
    local i = lo
    for j = lo, hi - 1 do
        if v[j] < pivot then
            v[i], v[j] = v[j], v[i]
            i = i + 1
        end
    end
    v[i], v[hi] = v[hi], v[i]
    sort(v, lo, i - 1)
    sort(v, i + 1, hi)
end

local n = 1000000
local check, seed = 0, 42
for round = 0, 2 do
    local v = {}
    for k = 1, n do
        seed = (seed * 48271) % 2147483647
        v[k] = seed % 1000000
    end
    sort(v, 1, n)
    for k = 0, n - 1, 997 do
        check = (check + v[k + 1] * (k % 1000 + round)) % 1000000007
    end
end
print(string.format("%d", check))
