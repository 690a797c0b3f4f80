//! Tokens produced by the lexer and consumed by the parser.

use dast_base::Span;

use crate::ast::Lit;

/// What a token is. Identifiers and literals carry their value in [`Token::lit`] or are
/// read back from the source through [`Token::span`].
///
/// `module` is a *contextual* keyword: the seed uses it as a variable and field name
/// (`let module = load_bytecode(path)`, `self.module`), so the lexer produces an
/// [`TokenKind::Ident`] for it and the parser treats `module Name {` as an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Ident,
    /// Integer literal; the value is in [`Token::lit`].
    Int,
    /// Float literal; the value is in [`Token::lit`].
    Float,
    /// String literal with escapes processed; the value is in [`Token::lit`].
    Str,
    /// Character literal; the value is in [`Token::lit`].
    Char,
    /// Loop label `'outer` (the name is read back through the span, without the `'`).
    Label,

    // Keywords.
    Fn,
    Struct,
    Enum,
    Var,
    Let,
    Mut,
    Const,
    Static,
    If,
    Else,
    Match,
    While,
    Loop,
    For,
    In,
    Break,
    Continue,
    Return,
    True,
    False,
    Import,
    Trait,
    Impl,
    Dyn,
    /// `self`
    SelfValue,
    /// `Self`
    SelfType,
    Unsafe,
    As,
    /// `_` on its own.
    Underscore,

    // Delimiters.
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,

    // Punctuation.
    Comma,
    Semi,
    Colon,
    /// `::`: not Dast syntax, lexed so the parser can suggest `.` instead.
    ColonColon,
    Dot,
    DotDot,
    DotDotEq,
    Arrow,
    FatArrow,
    At,
    Question,

    // Operators.
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    Bang,
    Amp,
    Pipe,
    AmpAmp,
    PipePipe,
    Eq,
    EqEq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Shl,
    Shr,
    PlusEq,
    MinusEq,
    StarEq,
    SlashEq,
    PercentEq,
    CaretEq,
    AmpEq,
    PipeEq,
    ShlEq,
    ShrEq,

    /// End of input; the lexer always appends exactly one.
    Eof,
}

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// A newline (possibly inside a comment) separates this token from the previous one.
    /// The first token of a file counts as being on a new line.
    pub newline_before: bool,
    /// The decoded value of `Int`, `Float`, `Str` and `Char` tokens (best effort when
    /// the literal was malformed: the lexer reported it already).
    pub lit: Option<Lit>,
}

impl TokenKind {
    /// The keyword spelled `text`, if any (`module` is contextual, see [`TokenKind`]).
    pub fn keyword(text: &str) -> Option<TokenKind> {
        use TokenKind::*;
        let kind = match text {
            "fn" => Fn,
            "struct" => Struct,
            "enum" => Enum,
            "var" => Var,
            "let" => Let,
            "mut" => Mut,
            "const" => Const,
            "static" => Static,
            "if" => If,
            "else" => Else,
            "match" => Match,
            "while" => While,
            "loop" => Loop,
            "for" => For,
            "in" => In,
            "break" => Break,
            "continue" => Continue,
            "return" => Return,
            "true" => True,
            "false" => False,
            "import" => Import,
            "trait" => Trait,
            "impl" => Impl,
            "dyn" => Dyn,
            "self" => SelfValue,
            "Self" => SelfType,
            "unsafe" => Unsafe,
            "as" => As,
            "_" => Underscore,
            _ => return None,
        };
        Some(kind)
    }

    /// How the token is written, for messages (`None` for tokens without fixed text).
    pub fn fixed_text(self) -> Option<&'static str> {
        use TokenKind::*;
        let text = match self {
            Ident | Int | Float | Str | Char | Label | Eof => return None,
            Fn => "fn",
            Struct => "struct",
            Enum => "enum",
            Var => "var",
            Let => "let",
            Mut => "mut",
            Const => "const",
            Static => "static",
            If => "if",
            Else => "else",
            Match => "match",
            While => "while",
            Loop => "loop",
            For => "for",
            In => "in",
            Break => "break",
            Continue => "continue",
            Return => "return",
            True => "true",
            False => "false",
            Import => "import",
            Trait => "trait",
            Impl => "impl",
            Dyn => "dyn",
            SelfValue => "self",
            SelfType => "Self",
            Unsafe => "unsafe",
            As => "as",
            Underscore => "_",
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            Comma => ",",
            Semi => ";",
            Colon => ":",
            ColonColon => "::",
            Dot => ".",
            DotDot => "..",
            DotDotEq => "..=",
            Arrow => "->",
            FatArrow => "=>",
            At => "@",
            Question => "?",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Percent => "%",
            Caret => "^",
            Bang => "!",
            Amp => "&",
            Pipe => "|",
            AmpAmp => "&&",
            PipePipe => "||",
            Eq => "=",
            EqEq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Shl => "<<",
            Shr => ">>",
            PlusEq => "+=",
            MinusEq => "-=",
            StarEq => "*=",
            SlashEq => "/=",
            PercentEq => "%=",
            CaretEq => "^=",
            AmpEq => "&=",
            PipeEq => "|=",
            ShlEq => "<<=",
            ShrEq => ">>=",
        };
        Some(text)
    }

    /// A name for the token in "expected X" messages when there is no source text.
    pub fn describe(self) -> String {
        match self {
            TokenKind::Ident => "identifier".to_string(),
            TokenKind::Int => "integer literal".to_string(),
            TokenKind::Float => "float literal".to_string(),
            TokenKind::Str => "string literal".to_string(),
            TokenKind::Char => "character literal".to_string(),
            TokenKind::Label => "loop label".to_string(),
            TokenKind::Eof => "end of file".to_string(),
            other => format!("`{}`", other.fixed_text().unwrap_or("?")),
        }
    }

    pub fn is_keyword(self) -> bool {
        use TokenKind::*;
        matches!(
            self,
            Fn | Struct
                | Enum
                | Var
                | Let
                | Mut
                | Const
                | Static
                | If
                | Else
                | Match
                | While
                | Loop
                | For
                | In
                | Break
                | Continue
                | Return
                | True
                | False
                | Import
                | Trait
                | Impl
                | Dyn
                | SelfValue
                | SelfType
                | Unsafe
                | As
        )
    }
}
