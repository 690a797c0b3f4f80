-- Game entities: same algorithm as bench/entities.dast (modes as tables with a kind).
local function step(e, t)
    local m = e.mode
    if m.kind == "idle" then
        if t % 7 == e.hp % 7 then e.mode = { kind = "walk", d = 1 + e.hp % 3 } end
    elseif m.kind == "walk" then
        e.x = e.x + m.d
        if e.x > 1000 then e.mode = { kind = "run", dx = -2, dy = 1 } end
    else
        e.x = e.x + m.dx
        e.y = e.y + m.dy
        if e.x < 0 then
            e.mode = { kind = "idle" }
            if e.hp > 0 then e.hp = e.hp - 1 end
        end
    end
end

local es = {}
for i = 0, 999 do
    es[i + 1] = { x = i % 100, y = 0, hp = 10 + i % 13, mode = { kind = "idle" } }
end
for t = 0, 19999 do
    for i = 1, 1000 do step(es[i], t) end
end
local total = 0
for i = 1, 1000 do
    local e = es[i]
    total = total + e.x + 3 * e.y + e.hp
end
print(string.format("%d", total))
