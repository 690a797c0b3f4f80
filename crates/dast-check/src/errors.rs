//! Codes of the checker's errors. They are stable: tests, docs and users refer to them,
//! so a code is never reused for another meaning. Syntax errors (`E00xx`) are in
//! `dast_syntax::errors`; each code here has a program in `test-programs/errors` whose
//! rendered output (the `.stderr` snapshot beside it) shows it, which
//! `tests/error_codes.rs` checks.
//!
//! | code    | meaning |
//! | ------- | ------- |
//! | `E0201` | a name, variant, field or method is defined twice |
//! | `E0202` | a `var` or `static` without a type or an initializer |
//! | `E0203` | `import` of a module the program does not have |
//! | `E0204` | `impl` of something that is not a struct or enum of this program |
//! | `E0205` | a reference type (`&T`, `&[T]`) outside a parameter type |
//! | `E0206` | a type Dast programs do not have (raw pointers) |
//! | `E0207` | wrong number of type arguments (`Vec[i32, i32]`, `Point[i32]`) |
//! | `E0208` | `Self` outside an `impl` block |
//! | `E0209` | unknown type name |
//! | `E0210` | a struct or enum that contains itself by value (infinite size) |
//! | `E0211` | `static mut` in a hot-reloadable module |
//! | `E0212` | `const` without a type |
//! | `E0213` | `const` without a value |
//! | `E0214` | `var` without initializer whose type has no default value |
//! | `E0215` | `@shared` on something other than a `static mut` |
//! | `E0216` | `@shared static mut` that holds heap data or is too large |
//! | `E0217` | `@shared static mut` whose struct or enum is not `@abi_stable(N)` |
//! | `E0218` | `impl Name for Type` where `Name` is not a trait |
//! | `E0219` | a trait implemented twice for one type |
//! | `E0220` | an `impl Trait for Type` missing methods the trait requires |
//! | `E0221` | a method in an `impl Trait for Type` that the trait does not declare |
//! | `E0222` | a trait method implemented with another signature |
//! | `E0223` | a trait method called on a trait object that it cannot be called on (mentions `Self` beyond its receiver, or takes `&mut` parameters) |
//! | `E0224` | a value used as `dyn Trait` whose type does not implement the trait |
//! | `E0225` | a type argument that does not satisfy its parameter's bound (`T: Ord`) |
//! | `E0226` | type arguments of a generic function that cannot be inferred from the call |
//! | `E0227` | type parameters on a trait method, or a type parameter declared twice |
//! | `E0228` | generic instances that never end (`f[T]` calling `f[Vec[T]]`) |
//! | `E0229` | a `host fn` the host cannot serve (a body, type parameters, `&mut` parameters, or a type that does not cross to the host) |
//! | `E0301` | mismatched types |
//! | `E0302` | function without a body |
//! | `E0303` | integer literal out of range for its type |
//! | `E0304` | item (`fn`, `struct`, ...) inside a function body |
//! | `E0305` | no such field on a type |
//! | `E0306` | a range used where Dast v0 has none (as a value, unbounded `for`, iterator adapters) |
//! | `E0307` | `break` or `continue` outside of a loop |
//! | `E0308` | invalid number literal suffix |
//! | `E0309` | indexing a value that is not a `Vec` or `HashMap` |
//! | `E0310` | unary operator (`-`, `!`) on a type that does not have it |
//! | `E0311` | binary or compound-assignment operator on a type that does not have it |
//! | `E0312` | assignment to an immutable `static` |
//! | `E0313` | invalid left-hand side of an assignment |
//! | `E0314` | assignment through `map[key]` |
//! | `E0315` | assignment twice to an immutable local variable |
//! | `E0316` | invalid `as` cast |
//! | `E0317` | `if` (or `if let`) without `else` whose block has a value |
//! | `E0318` | `break` with a value outside of `loop` |
//! | `E0319` | `?` on a value that is not `Result`/`Option`, in a function that returns neither, or with another error type |
//! | `E0320` | `for` over a value that is not iterable |
//! | `E0321` | undeclared loop label |
//! | `E0322` | assignment to a captured variable inside a closure |
//! | `E0323` | a closure outside a function body (in a constant or `var` initializer) |
//! | `E0401` | no such item in a module |
//! | `E0402` | no such associated function or variant on a type |
//! | `E0403` | `.` after something that is not a namespace |
//! | `E0404` | another module's `var` read directly |
//! | `E0405` | function used as a value |
//! | `E0406` | type or module used as a value |
//! | `E0407` | unknown value or function (variable, constant, function, format-string name) |
//! | `E0408` | method read as a field (no parentheses) |
//! | `E0409` | call of something that is not a function |
//! | `E0410` | wrong number of arguments (or variant fields) |
//! | `E0411` | `&mut` or a mutating method on something not declared mutable |
//! | `E0412` | no such variant in the expected enum (`.Variant`) |
//! | `E0413` | `.Variant` whose enum cannot be inferred |
//! | `E0414` | variant with named fields built like a tuple variant |
//! | `E0415` | struct literal of something that is not a struct or variant |
//! | `E0416` | field given twice in a struct literal |
//! | `E0417` | missing fields in a struct literal |
//! | `E0418` | method call on a value whose type is not known yet |
//! | `E0419` | no such method on a type |
//! | `E0420` | associated function called as a method |
//! | `E0421` | `T.default()` for a type without a default value |
//! | `E0422` | `min`/`max`/`abs` of something that is not a number |
//! | `E0423` | format argument that is not a string literal |
//! | `E0424` | malformed format string |
//! | `E0425` | format string and arguments do not match (missing or unused argument) |
//! | `E0426` | value that cannot be formatted with the given placeholder |
//! | `E0427` | value that does not convert to the registry's `Value` implicitly |
//! | `E0501` | pattern whose type does not match the scrutinee |
//! | `E0502` | pattern naming an unknown variant or struct |
//! | `E0503` | pattern naming an unknown field |
//! | `E0504` | struct pattern that leaves out fields without `..` |
//! | `E0505` | variant pattern with the wrong number of fields |
//! | `E0506` | range pattern with bounds that are not integers or chars |
//! | `E0507` | refutable pattern in `let`, a parameter or `for` |
//! | `E0508` | non-exhaustive `match` |

pub const DUPLICATE_DEFINITION: &str = "E0201";
pub const GLOBAL_WITHOUT_TYPE: &str = "E0202";
pub const UNKNOWN_MODULE: &str = "E0203";
pub const IMPL_OF_FOREIGN_TYPE: &str = "E0204";
pub const REFERENCE_OUTSIDE_PARAM: &str = "E0205";
pub const UNSUPPORTED_TYPE: &str = "E0206";
pub const TYPE_ARG_COUNT: &str = "E0207";
pub const SELF_OUTSIDE_IMPL: &str = "E0208";
pub const UNKNOWN_TYPE: &str = "E0209";
pub const RECURSIVE_TYPE: &str = "E0210";
pub const STATIC_MUT_IN_HOT_MODULE: &str = "E0211";
pub const CONST_WITHOUT_TYPE: &str = "E0212";
pub const CONST_WITHOUT_VALUE: &str = "E0213";
pub const VAR_WITHOUT_DEFAULT: &str = "E0214";
pub const SHARED_NOT_STATIC_MUT: &str = "E0215";
pub const SHARED_NOT_PLAIN: &str = "E0216";
pub const SHARED_NOT_ABI_STABLE: &str = "E0217";
pub const UNKNOWN_TRAIT: &str = "E0218";
pub const DUPLICATE_IMPL: &str = "E0219";
pub const MISSING_TRAIT_METHODS: &str = "E0220";
pub const NOT_A_TRAIT_METHOD: &str = "E0221";
pub const TRAIT_METHOD_SIGNATURE: &str = "E0222";
pub const NOT_OBJECT_SAFE: &str = "E0223";
pub const TRAIT_NOT_IMPLEMENTED: &str = "E0224";
pub const BOUND_NOT_SATISFIED: &str = "E0225";
pub const CANNOT_INFER_TYPE_ARG: &str = "E0226";
pub const BAD_TYPE_PARAMS: &str = "E0227";
pub const ENDLESS_INSTANCES: &str = "E0228";
pub const HOST_FN: &str = "E0229";
pub const MISMATCHED_TYPES: &str = "E0301";
pub const FN_WITHOUT_BODY: &str = "E0302";
pub const LITERAL_OUT_OF_RANGE: &str = "E0303";
pub const ITEM_IN_BODY: &str = "E0304";
pub const UNKNOWN_FIELD: &str = "E0305";
pub const RANGE_UNSUPPORTED: &str = "E0306";
pub const OUTSIDE_LOOP: &str = "E0307";
pub const BAD_LITERAL_SUFFIX: &str = "E0308";
pub const NOT_INDEXABLE: &str = "E0309";
pub const BAD_UNARY_OPERAND: &str = "E0310";
pub const BAD_BINARY_OPERAND: &str = "E0311";
pub const ASSIGN_IMMUTABLE_STATIC: &str = "E0312";
pub const INVALID_ASSIGN_TARGET: &str = "E0313";
pub const ASSIGN_MAP_INDEX: &str = "E0314";
pub const ASSIGN_IMMUTABLE_LOCAL: &str = "E0315";
pub const INVALID_CAST: &str = "E0316";
pub const IF_WITHOUT_ELSE_VALUE: &str = "E0317";
pub const BREAK_VALUE_OUTSIDE_LOOP: &str = "E0318";
pub const BAD_TRY: &str = "E0319";
pub const NOT_ITERABLE: &str = "E0320";
pub const UNDECLARED_LABEL: &str = "E0321";
pub const ASSIGN_CAPTURED: &str = "E0322";
pub const CLOSURE_MISPLACED: &str = "E0323";
pub const UNKNOWN_MODULE_ITEM: &str = "E0401";
pub const UNKNOWN_ASSOC_ITEM: &str = "E0402";
pub const NOT_A_NAMESPACE: &str = "E0403";
pub const PRIVATE_MODULE_STATE: &str = "E0404";
pub const FN_AS_VALUE: &str = "E0405";
pub const TYPE_AS_VALUE: &str = "E0406";
pub const UNKNOWN_VALUE: &str = "E0407";
pub const METHOD_AS_FIELD: &str = "E0408";
pub const NOT_A_FUNCTION: &str = "E0409";
pub const WRONG_ARG_COUNT: &str = "E0410";
pub const NOT_MUTABLE: &str = "E0411";
pub const UNKNOWN_VARIANT: &str = "E0412";
pub const UNKNOWN_ENUM: &str = "E0413";
pub const VARIANT_HAS_NAMED_FIELDS: &str = "E0414";
pub const NOT_A_STRUCT: &str = "E0415";
pub const FIELD_GIVEN_TWICE: &str = "E0416";
pub const MISSING_FIELDS: &str = "E0417";
pub const TYPE_ANNOTATIONS_NEEDED: &str = "E0418";
pub const UNKNOWN_METHOD: &str = "E0419";
pub const ASSOC_FN_AS_METHOD: &str = "E0420";
pub const NO_DEFAULT: &str = "E0421";
pub const NOT_A_NUMBER: &str = "E0422";
pub const FORMAT_NOT_LITERAL: &str = "E0423";
pub const BAD_FORMAT_STRING: &str = "E0424";
pub const FORMAT_ARG_MISMATCH: &str = "E0425";
pub const NOT_FORMATTABLE: &str = "E0426";
pub const NOT_A_VALUE: &str = "E0427";
pub const PATTERN_TYPE_MISMATCH: &str = "E0501";
pub const UNKNOWN_PATTERN_PATH: &str = "E0502";
pub const UNKNOWN_PATTERN_FIELD: &str = "E0503";
pub const PATTERN_MISSING_FIELDS: &str = "E0504";
pub const PATTERN_FIELD_COUNT: &str = "E0505";
pub const BAD_RANGE_PATTERN: &str = "E0506";
pub const REFUTABLE_PATTERN: &str = "E0507";
pub const NON_EXHAUSTIVE: &str = "E0508";
