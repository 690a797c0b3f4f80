-- A stack machine over tagged instructions (see bench/enum_vm.dast).
local PUSH, ADD, MUL, DUP, POP, JNZ, DEC = 1, 2, 3, 4, 5, 6, 7

local function run(code, n)
  local stack, top = {n}, 1
  local pc, steps, acc = 1, 0, 0
  local len = #code
  while pc <= len do
    steps = steps + 1
    local op = code[pc]
    local tag = op[1]
    if tag == PUSH then
      top = top + 1; stack[top] = op[2]
    elseif tag == ADD then
      local a = stack[top]; local b = stack[top - 1]; top = top - 1; stack[top] = a + b
    elseif tag == MUL then
      local a = stack[top]; local b = stack[top - 1]; top = top - 1; stack[top] = a * b
    elseif tag == DUP then
      top = top + 1; stack[top] = stack[top - 1]
    elseif tag == POP then
      acc = acc + stack[top]; stack[top] = nil; top = top - 1
    elseif tag == JNZ then
      if stack[top] ~= 0 then pc = op[2] end
    elseif tag == DEC then
      stack[top] = stack[top] - 1
    end
    pc = pc + 1
  end
  return acc + steps
end

local code = {{DUP}, {PUSH, 3}, {MUL}, {POP}, {DEC}, {JNZ, 0}}
print(string.format("%d", run(code, 3000000)))
