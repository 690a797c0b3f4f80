/* A stack machine over a tagged-union instruction set (see bench/enum_vm.dast). */
#include <stdio.h>
#include <stdlib.h>

enum Tag { PUSH, ADD, MUL, DUP, POP, JNZ, DEC };
struct Op { enum Tag tag; long long arg; };

static long long run(const struct Op *code, long long len, long long n) {
    long long cap = 16, top = 0;
    long long *stack = malloc(cap * sizeof *stack);
    long long pc = 0, steps = 0, acc = 0;
    stack[top++] = n;
    while (pc < len) {
        steps++;
        const struct Op *op = &code[pc];
        long long a, b;
        if (top + 1 >= cap) { cap *= 2; stack = realloc(stack, cap * sizeof *stack); }
        switch (op->tag) {
        case PUSH: stack[top++] = op->arg; break;
        case ADD: a = stack[--top]; b = stack[--top]; stack[top++] = a + b; break;
        case MUL: a = stack[--top]; b = stack[--top]; stack[top++] = a * b; break;
        case DUP: a = stack[top - 1]; stack[top++] = a; break;
        case POP: acc += stack[--top]; break;
        case JNZ: if (stack[top - 1] != 0) pc = op->arg - 1; break;
        case DEC: a = stack[--top]; stack[top++] = a - 1; break;
        }
        pc++;
    }
    free(stack);
    return acc + steps;
}

int main(void) {
    struct Op code[] = {{DUP, 0}, {PUSH, 3}, {MUL, 0}, {POP, 0}, {DEC, 0}, {JNZ, 0}};
    printf("%lld\n", run(code, 6, 3000000));
    return 0;
}
