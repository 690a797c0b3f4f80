//! Items: `fn`, `struct`, `enum`, `impl`, `trait`, `module`, `var`, `const`, `static`,
//! `import`, each with optional `@attributes` before it.

use dast_base::{Diagnostic, Span};

use super::expressions::can_start_expression;
use super::types::{can_start_type, TYPE_LIST_STOPS};
use super::{Parser, Restrictions};
use crate::ast::{
    Attribute, EnumDecl, FieldDecl, FnDecl, GenericParam, GlobalDecl, Ident, ImplDecl, Item,
    ItemKind, ModuleDecl, Param, StructDecl, TraitDecl, Type, TypeKind, VariantDecl, VariantKind,
};
use crate::errors;
use crate::token::TokenKind;

impl Parser<'_> {
    /// The items of the whole file.
    pub(super) fn file_items(&mut self) -> Vec<Item> {
        self.items_until(false)
    }

    /// Items up to the end of the file, or up to `}` (not consumed) when `in_braces`.
    fn items_until(&mut self, in_braces: bool) -> Vec<Item> {
        let mut items = Vec::new();
        loop {
            match self.kind() {
                TokenKind::Eof => break,
                TokenKind::RBrace if in_braces => break,
                // A `;` after an item (`struct Unit;`, `const N: i32 = 1;`) is harmless.
                TokenKind::Semi => {
                    self.bump();
                    continue;
                }
                TokenKind::RBrace | TokenKind::RParen | TokenKind::RBracket => {
                    self.report_unexpected_closer();
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let item = self.item_or_recover();
            items.push(item);
        }
        items
    }

    /// An item; anything else is reported and skipped up to the next item, leaving an
    /// `ItemKind::Error`.
    fn item_or_recover(&mut self) -> Item {
        let start = self.start();
        let attrs = self.attributes();
        self.skip_rust_visibility();
        if self.at_item_start() {
            return self.item_after_attributes(start, attrs);
        }
        if attrs.is_empty() {
            let help = (self.at(TokenKind::Let) || can_start_expression(self.kind()))
                .then_some("statements and expressions belong inside a function body");
            self.error_expected_with(errors::EXPECTED_ITEM, "an item", help);
        } else {
            self.report_dangling_attributes();
        }
        self.recover_to_item_start();
        Item {
            attrs,
            kind: ItemKind::Error,
            span: self.span_from(start),
        }
    }

    /// An item inside a block (after `@` or an item keyword), or `None` when the
    /// attributes there are not followed by an item (reported).
    pub(super) fn item_in_block(&mut self) -> Option<Item> {
        let start = self.start();
        let attrs = self.attributes();
        self.skip_rust_visibility();
        if self.at_item_start() {
            return Some(self.item_after_attributes(start, attrs));
        }
        if !attrs.is_empty() {
            self.report_dangling_attributes();
        }
        None
    }

    /// Whether the current token starts an item (attributes aside).
    pub(super) fn at_item_start(&mut self) -> bool {
        match self.kind() {
            TokenKind::Fn
            | TokenKind::Struct
            | TokenKind::Enum
            | TokenKind::Impl
            | TokenKind::Trait
            | TokenKind::Var
            | TokenKind::Const
            | TokenKind::Static
            | TokenKind::Import => true,
            TokenKind::Unsafe => self.nth_kind(1) == TokenKind::Fn,
            TokenKind::Ident => {
                (self.at_contextual("module") && self.nth_kind(1) == TokenKind::Ident)
                    || self.at_host_fn()
            }
            _ => false,
        }
    }

    /// Skips tokens (whole groups at a time) up to something that starts an item at the
    /// beginning of a line (`const` also appears in `*const T`, hence the line rule).
    fn recover_to_item_start(&mut self) {
        let mut first = true;
        loop {
            let kind = self.kind();
            if kind == TokenKind::Eof || super::is_closer(kind) {
                return;
            }
            let line_start = self.at_line_start();
            if !first
                && line_start
                && (self.at_item_start() || kind == TokenKind::At || self.at_rust_visibility())
            {
                return;
            }
            first = false;
            self.skip_token_tree();
        }
    }

    fn report_dangling_attributes(&mut self) {
        self.error_expected_with(
            errors::DANGLING_ATTRIBUTES,
            "an item after the attributes",
            Some("attributes such as `@hot_reload` go right before `fn`, `struct`, `module`, ..."),
        );
    }

    /// Parses the item at the current item keyword.
    fn item_after_attributes(&mut self, start: u32, attrs: Vec<Attribute>) -> Item {
        // Items nest (`fn` in a block, `module` in a module) through many large frames:
        // each counts as a nesting level of its own.
        if !self.enter() {
            let span = self.span_from(start);
            return Item {
                attrs,
                kind: ItemKind::Error,
                span,
            };
        }
        let marks = self.id_marks();
        let kind = self.item_kind();
        if matches!(kind, ItemKind::Error) {
            // The parts parsed for their errors are dropped: give their ids back.
            self.drop_nodes_since(marks);
        }
        self.leave();
        Item {
            attrs,
            kind,
            span: self.span_from(start),
        }
    }

    /// `host fn`: `host` is a keyword only there.
    fn at_host_fn(&mut self) -> bool {
        self.at_contextual("host") && self.nth_kind(1) == TokenKind::Fn
    }

    fn item_kind(&mut self) -> ItemKind {
        if self.at_host_fn() {
            self.bump();
            return self.fn_item_of(false, true);
        }
        match self.kind() {
            TokenKind::Fn => self.fn_item(false),
            TokenKind::Unsafe => {
                self.bump();
                self.fn_item(true)
            }
            TokenKind::Struct => self.struct_item(),
            TokenKind::Enum => self.enum_item(),
            TokenKind::Impl => self.impl_item(),
            TokenKind::Trait => self.trait_item(),
            TokenKind::Var => {
                self.bump();
                self.global_item().map_or(ItemKind::Error, ItemKind::Var)
            }
            TokenKind::Const => {
                self.bump();
                self.global_item().map_or(ItemKind::Error, ItemKind::Const)
            }
            TokenKind::Static => {
                self.bump();
                let mutable = self.eat(TokenKind::Mut);
                self.global_item()
                    .map_or(ItemKind::Error, |decl| ItemKind::Static { decl, mutable })
            }
            TokenKind::Import => self.import_item(),
            _ => self.module_item(),
        }
    }

    // ---------- attributes ----------

    /// `@name` or `@name(arg, ...)`, possibly several, on one line or many.
    fn attributes(&mut self) -> Vec<Attribute> {
        let mut attrs = Vec::new();
        while self.at(TokenKind::At) {
            let start = self.start();
            self.bump();
            let Some(name) = self.expect_ident("an attribute name") else {
                continue;
            };
            let args = if self.at(TokenKind::LParen) && !self.at_line_start() {
                let open = self.bump().span;
                self.list_rest(open, TokenKind::RParen, &[], false, Vec::new(), |p| {
                    p.attribute_argument()
                })
                .0
            } else {
                Vec::new()
            };
            let span = self.span_from(start);
            attrs.push(Attribute { name, args, span });
        }
        attrs
    }

    /// One attribute argument, kept as written (`1`, `"name"`).
    fn attribute_argument(&mut self) -> Option<String> {
        if self.at(TokenKind::Comma) {
            self.error_expected("an attribute argument");
            return None;
        }
        let start = self.start();
        while !self.at(TokenKind::Comma)
            && !self.at(TokenKind::RParen)
            && !self.at_list_stop(TokenKind::RParen, &[])
        {
            self.skip_token_tree();
        }
        let end = self.prev_end().max(start);
        Some(self.text[start as usize..end as usize].to_string())
    }

    // ---------- functions ----------

    fn fn_item(&mut self, is_unsafe: bool) -> ItemKind {
        self.fn_item_of(is_unsafe, false)
    }

    /// `fn` (or `host fn`, after `host`) through its body, if any.
    fn fn_item_of(&mut self, is_unsafe: bool, is_host: bool) -> ItemKind {
        self.bump();
        let name = self.expect_ident("a function name");
        let generics = self.generic_params("fn name[T: Bound](...)");
        let params = self.params();
        let ret = self.return_type();
        let body = self.fn_body();
        match name {
            Some(name) => ItemKind::Fn(FnDecl {
                name,
                generics,
                params,
                ret,
                body,
                is_unsafe,
                is_host,
            }),
            None => ItemKind::Error,
        }
    }

    /// `[T, U: Ord + Display]` after the name of a function, struct or enum, or after
    /// `impl`. Rust's `<T: Ord>` is reported once, with the Dast spelling (`shape`),
    /// and read the same way (so nothing cascades).
    fn generic_params(&mut self, shape: &str) -> Vec<GenericParam> {
        let angle = match self.kind() {
            TokenKind::LBracket => false,
            TokenKind::Lt => true,
            _ => return Vec::new(),
        };
        if angle {
            let diag = dast_base::Diagnostic::error(
                errors::RUST_SYNTAX,
                "type parameters are written with `[ ]` in Dast, not `< >`",
                self.current_span(),
            )
            .with_label("use `[` here")
            .with_help(format!("write `{shape}`"));
            self.error(diag);
        }
        let open = self.bump().span;
        if !angle {
            let stops = [TokenKind::LParen, TokenKind::LBrace];
            return self
                .list_rest(open, TokenKind::RBracket, &stops, false, Vec::new(), |p| {
                    p.generic_param()
                })
                .0;
        }
        let mut params = Vec::new();
        while !matches!(
            self.kind(),
            TokenKind::Gt | TokenKind::Shr | TokenKind::LParen | TokenKind::Eof
        ) {
            let before = self.pos;
            params.extend(self.generic_param());
            if self.pos == before || !self.eat(TokenKind::Comma) {
                break;
            }
        }
        self.eat_closing_angle();
        params
    }

    /// `T`, `T: Ord`, `T: Display + Clone`, `T: shapes.Shape`.
    fn generic_param(&mut self) -> Option<GenericParam> {
        let start = self.start();
        let name = self.expect_ident("a type parameter name")?;
        let mut bounds = Vec::new();
        if self.eat(TokenKind::Colon) {
            loop {
                let bound = self.ty();
                match &bound.kind {
                    TypeKind::Path { args, .. } if args.is_empty() => bounds.push(bound),
                    TypeKind::Fn { .. } => bounds.push(bound),
                    TypeKind::Error => {}
                    _ => {
                        let diag = Diagnostic::error(
                            errors::EXPECTED_TOKEN,
                            "expected a trait name as bound",
                            bound.span,
                        )
                        .with_label("not a trait")
                        .with_help("bounds are traits (`T: Ord`, `T: Display + Clone`) or `F: Fn(i32) -> i32`");
                        self.error(diag);
                    }
                }
                if !self.eat(TokenKind::Plus) {
                    break;
                }
            }
        }
        Some(GenericParam {
            name,
            bounds,
            span: self.span_from(start),
        })
    }

    fn params(&mut self) -> Vec<Param> {
        if !self.at(TokenKind::LParen) {
            self.error_expected("`(`");
            return Vec::new();
        }
        let open = self.bump().span;
        let stops = [TokenKind::LBrace, TokenKind::Arrow];
        self.list_rest(open, TokenKind::RParen, &stops, false, Vec::new(), |p| {
            p.param()
        })
        .0
    }

    /// `name: T`, `mut name: T`, `self`, `mut self`, `self: &Self`, `&self`, `&mut self`.
    fn param(&mut self) -> Option<Param> {
        let start = self.start();
        if self.at(TokenKind::Amp) {
            return self.self_reference_param();
        }
        let mutable = self.eat(TokenKind::Mut);
        let token = match self.kind() {
            TokenKind::Ident | TokenKind::SelfValue | TokenKind::Underscore => self.bump(),
            _ => {
                self.error_expected("a parameter name");
                return None;
            }
        };
        let name = self.ident_from(&token);
        let ty = if token.kind == TokenKind::SelfValue && !self.at(TokenKind::Colon) {
            self_type(token.span)
        } else {
            self.annotation("parameter")
        };
        Some(Param {
            name,
            ty,
            mutable,
            span: self.span_from(start),
        })
    }

    /// `&self` / `&mut self`: a parameter named `self` of type `&Self` / `&mut Self`.
    fn self_reference_param(&mut self) -> Option<Param> {
        let start = self.start();
        self.bump();
        let mutable = self.eat(TokenKind::Mut);
        if !self.at(TokenKind::SelfValue) {
            self.error_expected("`self`");
            return None;
        }
        let token = self.bump();
        let span = self.span_from(start);
        let ty = Type {
            kind: TypeKind::Ref {
                mutable,
                inner: Box::new(self_type(token.span)),
            },
            span,
        };
        Some(Param {
            name: self.ident_from(&token),
            ty,
            mutable: false,
            span,
        })
    }

    /// `: T` after a parameter or field name. A missing `:` before something that looks
    /// like a type is reported with a hint and the type is still read.
    fn annotation(&mut self, what: &str) -> Type {
        if self.eat(TokenKind::Colon) {
            return self.ty();
        }
        if can_start_type(self.kind()) && !self.at_line_start() {
            let help = format!("add `:` between the {what} name and its type");
            self.error_expected_with(errors::EXPECTED_TOKEN, "`:`", Some(&help));
            return self.ty();
        }
        self.error_expected("`:`");
        Type {
            kind: TypeKind::Error,
            span: self.empty_span_here(),
        }
    }

    /// `-> T`; a type right after `)` without the arrow is reported and still read.
    fn return_type(&mut self) -> Option<Type> {
        if self.eat(TokenKind::Arrow) {
            return Some(self.ty());
        }
        let type_follows =
            matches!(self.kind(), TokenKind::Ident | TokenKind::SelfType) && !self.at_line_start();
        if type_follows {
            self.error_expected_with(
                errors::EXPECTED_TOKEN,
                "`{`",
                Some("write the return type after `->`, as in `fn f() -> i32`"),
            );
            return Some(self.ty());
        }
        None
    }

    /// The body, or nothing for a signature (`fn init(self: &mut Self)` in a trait,
    /// optionally ended by `;`).
    fn fn_body(&mut self) -> Option<crate::ast::Block> {
        if self.at(TokenKind::LBrace) {
            return Some(self.block());
        }
        if self.eat(TokenKind::Semi) {
            return None;
        }
        let kind = self.kind();
        if kind != TokenKind::Eof && kind != TokenKind::RBrace && !self.at_line_start() {
            self.error_expected("`{`");
        }
        None
    }

    // ---------- structs and enums ----------

    fn struct_item(&mut self) -> ItemKind {
        self.bump();
        let name = self.expect_ident("a struct name");
        let generics = self.generic_params("struct Name[T] { ... }");
        let fields = match self.kind() {
            TokenKind::LBrace => self.field_decls(),
            TokenKind::LParen => {
                self.report_unsupported(
                    "tuple structs are not supported in Dast v0",
                    "use named fields, as in `struct Point { x: i32, y: i32 }`",
                );
                self.skip_token_tree();
                Vec::new()
            }
            _ => {
                if !self.at(TokenKind::Semi) {
                    self.expect_item_end(Some("`{`"));
                }
                Vec::new()
            }
        };
        match name {
            Some(name) => ItemKind::Struct(StructDecl {
                name,
                generics,
                fields,
            }),
            None => ItemKind::Error,
        }
    }

    /// `{ name: T, ... }` with `,` or newlines between fields.
    fn field_decls(&mut self) -> Vec<FieldDecl> {
        let open = self.bump().span;
        self.list_rest(open, TokenKind::RBrace, &[], true, Vec::new(), |p| {
            p.field_decl()
        })
        .0
    }

    fn field_decl(&mut self) -> Option<FieldDecl> {
        self.skip_rust_visibility();
        let name = self.expect_ident("a field name")?;
        let ty = self.annotation("field");
        let span = self.span_from(name.span.start);
        Some(FieldDecl { name, ty, span })
    }

    fn enum_item(&mut self) -> ItemKind {
        self.bump();
        let name = self.expect_ident("an enum name");
        let generics = self.generic_params("enum Name[T] { ... }");
        let mut variants = Vec::new();
        if self.at(TokenKind::LBrace) {
            let open = self.bump().span;
            variants = self
                .list_rest(open, TokenKind::RBrace, &[], true, Vec::new(), |p| {
                    p.variant()
                })
                .0;
        } else {
            self.error_expected("`{`");
        }
        match name {
            Some(name) => ItemKind::Enum(EnumDecl {
                name,
                generics,
                variants,
            }),
            None => ItemKind::Error,
        }
    }

    /// `A`, `B(i32, String)`, `C { x: f64 }`.
    fn variant(&mut self) -> Option<VariantDecl> {
        let name = self.expect_ident("a variant name")?;
        let kind = match self.kind() {
            TokenKind::LParen => {
                let open = self.bump().span;
                let (types, _) = self.list_rest(
                    open,
                    TokenKind::RParen,
                    TYPE_LIST_STOPS,
                    false,
                    Vec::new(),
                    |p| Some(p.ty()),
                );
                VariantKind::Tuple(types)
            }
            TokenKind::LBrace => VariantKind::Struct(self.field_decls()),
            _ => VariantKind::Unit,
        };
        if self.at(TokenKind::Eq) {
            self.report_unsupported(
                "enum discriminants are not supported in Dast v0",
                "remove `= value`; variants are numbered in order",
            );
            self.bump();
            // Up to the next variant; a stray closer (`A(i32 = 1), B`) ends the value
            // too (skipping a closer consumes nothing).
            while !matches!(
                self.kind(),
                TokenKind::Comma | TokenKind::RBrace | TokenKind::Eof
            ) && !super::is_closer(self.kind())
                && !self.at_line_start()
            {
                self.skip_token_tree();
            }
        }
        let span = self.span_from(name.span.start);
        Some(VariantDecl { name, kind, span })
    }

    /// `pub` / `pub(crate)` written the Rust way: one error, then parsing goes on
    /// with what follows (the item or field), as if it were not there.
    /// At `pub` (or `pub(...)`) before an item or a field.
    fn at_rust_visibility(&mut self) -> bool {
        self.at_contextual("pub")
            && matches!(
                self.nth_kind(1),
                TokenKind::LParen
                    | TokenKind::Ident
                    | TokenKind::Fn
                    | TokenKind::Struct
                    | TokenKind::Enum
                    | TokenKind::Trait
                    | TokenKind::Impl
                    | TokenKind::Const
                    | TokenKind::Static
                    | TokenKind::Unsafe
                    | TokenKind::Var
                    | TokenKind::Import
                    | TokenKind::At
            )
    }

    fn skip_rust_visibility(&mut self) {
        if !self.at_rust_visibility() {
            return;
        }
        let start = self.start();
        self.bump();
        if self.at(TokenKind::LParen) {
            self.skip_token_tree();
        }
        let span = self.span_from(start);
        let diag = Diagnostic::error(errors::RUST_SYNTAX, "Dast has no `pub`", span)
            .with_label("remove this")
            .with_help(
                "a module's functions, types and constants are visible to the modules that \
                 import it (its `var`s never are), and struct fields wherever the struct is",
            );
        self.error(diag);
    }

    fn report_unsupported(&mut self, message: &str, help: &str) {
        let span = self.current_span();
        let diag = Diagnostic::error(errors::UNSUPPORTED, message, span)
            .with_label("not supported")
            .with_help(help);
        self.error(diag);
    }

    // ---------- impl, trait, module ----------

    fn impl_item(&mut self) -> ItemKind {
        self.bump();
        let generics = self.generic_params("impl[T] Name[T] { ... }");
        let first = self.ty();
        let (trait_name, self_ty) = if self.eat(TokenKind::For) {
            let Some(trait_name) = self.trait_name_of(&first) else {
                // Without a trait this is not an inherent impl either: drop it.
                let _ = self.ty();
                let _ = self.item_body();
                return ItemKind::Error;
            };
            (Some(trait_name), self.ty())
        } else {
            (None, first)
        };
        let items = self.item_body();
        ItemKind::Impl(ImplDecl {
            generics,
            trait_name,
            self_ty,
            items,
        })
    }

    /// In `impl Trait for Type`, the trait must be a plain name.
    fn trait_name_of(&mut self, ty: &Type) -> Option<Ident> {
        if let TypeKind::Path { segments, args } = &ty.kind {
            if let ([name], true) = (segments.as_slice(), args.is_empty()) {
                return Some(name.clone());
            }
        }
        if ty.kind != TypeKind::Error {
            let diag = Diagnostic::error(errors::EXPECTED_TOKEN, "expected a trait name", ty.span)
                .with_label("not a trait name");
            self.error(diag);
        }
        None
    }

    fn trait_item(&mut self) -> ItemKind {
        self.bump();
        let name = self.expect_ident("a trait name");
        let items = self.item_body();
        match name {
            Some(name) => ItemKind::Trait(TraitDecl { name, items }),
            None => ItemKind::Error,
        }
    }

    /// `module Name { items }` (`module` is a contextual keyword).
    fn module_item(&mut self) -> ItemKind {
        self.bump();
        let name = self.expect_ident("a module name");
        let items = self.item_body();
        match name {
            Some(name) => ItemKind::Module(ModuleDecl { name, items }),
            None => ItemKind::Error,
        }
    }

    /// `{ items }` of an `impl`, `trait` or `module`.
    fn item_body(&mut self) -> Vec<Item> {
        if !self.at(TokenKind::LBrace) {
            self.error_expected("`{`");
            return Vec::new();
        }
        if !self.enter() {
            return Vec::new();
        }
        let open = self.bump().span;
        let items = self.items_until(true);
        self.expect_closing(TokenKind::RBrace, open);
        self.leave();
        items
    }

    // ---------- var, const, static, import ----------

    /// `name [: T] [= init]` after `var`, `const` or `static [mut]`.
    fn global_item(&mut self) -> Option<GlobalDecl> {
        let name = self.expect_ident("a name");
        let ty = self.eat(TokenKind::Colon).then(|| self.ty());
        let init = self
            .eat(TokenKind::Eq)
            .then(|| self.expr_with(Restrictions::STATEMENT));
        if name.is_some() && !self.eat(TokenKind::Semi) {
            let wanted = if init.is_none() { Some("`=`") } else { None };
            self.expect_item_end(wanted);
        }
        Some(GlobalDecl {
            name: name?,
            ty,
            init,
        })
    }

    /// `import a.b.c`.
    fn import_item(&mut self) -> ItemKind {
        self.bump();
        let Some(first) = self.expect_ident("a module name") else {
            return ItemKind::Error;
        };
        let mut path = vec![first];
        while self.at(TokenKind::Dot) && !self.at_line_start() {
            self.bump();
            match self.expect_ident("a module name") {
                Some(segment) => path.push(segment),
                None => break,
            }
        }
        if !self.eat(TokenKind::Semi) {
            self.expect_item_end(None);
        }
        ItemKind::Import(path)
    }

    /// After an item that does not end with `}`, the next one starts on a new line.
    fn expect_item_end(&mut self, also_expected: Option<&str>) {
        self.expect_statement_end(also_expected);
    }
}

/// The type `Self` written nowhere (bare `self`, `&self`), spanning the `self` token.
fn self_type(span: Span) -> Type {
    Type {
        kind: TypeKind::Path {
            segments: vec![Ident {
                name: "Self".to_string(),
                span,
            }],
            args: Vec::new(),
        },
        span,
    }
}
