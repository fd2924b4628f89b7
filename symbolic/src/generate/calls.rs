//! How a caller gets the definitions of the functions it calls (reference §4b "Calls"). A macro
//! only sees its own item, so every matcalc function also emits, beside itself, a hidden module
//! of its own name (the type namespace, so `use m::f;` imports it with the function):
//!
//! ```text
//! mod f {
//!     pub(crate) use super::g as g_needs_the_attribute_matcalc_function;  // each callee
//!     macro_rules! __matcalc_body { ($($rest:tt)*) => { ::matcalc::__with_callees!{ $($rest)* { fn f(..) {..} } } } }
//!     pub(crate) use __matcalc_body as body;
//! }
//! ```
//!
//! A caller whose body calls `g` expands to `caller::g_needs_..::body!{ <state> }`: g's
//! macro appends g's definition and hands the state to the hidden `__with_callees!`, which
//! fetches g's own callees the same way (through g's module, so each path resolves where it was
//! written) and, once every definition is there, derives the caller with them inlined. The state
//! is a stack of frames, one per function whose callees are being fetched, so recursion is found
//! (a definition already on the stack) instead of expanding forever.
//!
//! A callee that is not marked has no module, and rustc reports the path at the call. The
//! re-export's name is what it quotes, so the name says what to do: "cannot find
//! `double_needs_the_attribute_matcalc_function` in `f` .. expected type, found function". (A
//! fallback module behind a glob import would allow a message of our own, but rustc cannot
//! decide such a glob against an import from a module that is still expanding macros.)

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};

use crate::parse::{self, CalleeDef};

/// The deepest chain of calls (f calls g calls h ..) fetched before giving up.
pub const MAX_CALL_DEPTH: usize = 32;

/// The name under which a function's module re-exports the module of its `i`-th callee. It is
/// what rustc quotes when the callee is no matcalc function ("cannot find
/// `double_needs_the_attribute_matcalc_function` in `f` .. expected type, found function"), so
/// it says what to do; an index tells apart callees of the same name in different modules.
fn callee_ident(calls: &[syn::Path], i: usize) -> syn::Ident {
    let last = |p: &syn::Path| p.segments.last().map(|s| s.ident.unraw().to_string());
    let name = last(&calls[i]).unwrap_or_default();
    let at = calls[i]
        .segments
        .last()
        .map_or_else(Span::call_site, |s| s.ident.span());
    let twin = calls[..i]
        .iter()
        .any(|p| last(p).as_deref() == Some(name.as_str()));
    let suffix = if twin { format!("_{i}") } else { String::new() };
    format_ident!(
        "{name}_needs_the_attribute_matcalc_function{suffix}",
        span = at
    )
}

/// The definition a callee's macro carries: the function's tokens from `fn` on, without its
/// attributes and visibility. Taken from the tokens, never by printing a syn tree, which
/// recurses as deep as the body and would overflow on the deepest bodies the engine accepts.
pub fn definition(item: TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    let mut started = false;
    for tree in item {
        if !started {
            match &tree {
                TokenTree::Ident(i) if i == "fn" => started = true,
                // `#` and its `[..]`, `pub` and its `(crate)`, qualifiers: skipped.
                _ => continue,
            }
        }
        out.extend([tree]);
    }
    out
}

/// The tokens' text, one leaf at a time: equal for equal tokens whatever their spacing (which
/// `to_string` takes from spans, and which differs once tokens went through `macro_rules!`).
/// Iterative, so deep bodies cannot overflow.
fn leaves(tokens: TokenStream) -> String {
    let mut out = String::new();
    let mut stack = vec![tokens.into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(TokenTree::Group(group)) => {
                out.push_str(match group.delimiter() {
                    Delimiter::Parenthesis => "( ",
                    Delimiter::Brace => "{ ",
                    Delimiter::Bracket => "[ ",
                    Delimiter::None => "",
                });
                stack.push(group.stream().into_iter());
            }
            Some(leaf) => {
                out.push_str(&leaf.to_string());
                out.push(' ');
            }
            None => {
                stack.pop();
                out.push_str(") ");
            }
        }
    }
    out
}

/// `path` as written in a function's body, as seen from the module beside the function, every
/// token at the call's name (so an unresolved import is reported there).
fn from_child_module(path: &syn::Path) -> TokenStream {
    let at = path
        .segments
        .last()
        .map_or_else(Span::call_site, |s| s.ident.span());
    let mut segments: Vec<syn::Ident> = path
        .segments
        .iter()
        .map(|s| {
            let mut ident = s.ident.clone();
            ident.set_span(at);
            ident
        })
        .collect();
    let first = segments.first().map(|s| s.to_string());
    let leading = path.leading_colon.is_some();
    match first.as_deref() {
        _ if leading => {}
        Some("crate") => {}
        Some("self") => segments[0] = syn::Ident::new("super", at),
        _ => segments.insert(0, syn::Ident::new("super", at)),
    }
    let colon = leading.then(|| quote_spanned!(at=> ::));
    quote_spanned!(at=> #colon #(#segments)::*)
}

/// The hidden module emitted beside every matcalc function `item` (see the module comment);
/// `written` is the item's tokens as the macro received them.
pub fn callee_module(item: &syn::ItemFn, written: TokenStream) -> TokenStream {
    if item.sig.receiver().is_some() {
        // A method: no module can sit in an `impl`, so methods are not callees.
        return TokenStream::new();
    }
    let name = &item.sig.ident;
    let calls = parse::calls(item);
    let vis = match &item.vis {
        syn::Visibility::Public(_) => quote!(pub),
        _ => quote!(pub(crate)),
    };
    let cfgs = item.attrs.iter().filter(|a| a.path().is_ident("cfg"));
    let imports = calls.iter().enumerate().map(|(i, path)| {
        let local = callee_ident(&calls, i);
        let path = from_child_module(path);
        quote!(pub(crate) use #path as #local;)
    });
    let definition = carried(definition(written));
    quote! {
        #(#cfgs)*
        #[doc(hidden)]
        #[allow(non_snake_case, non_camel_case_types, unused_imports, unused_macros, dead_code)]
        #vis mod #name {
            #(#imports)*
            macro_rules! __matcalc_body {
                ($($rest:tt)*) => { ::matcalc::__with_callees!{ $($rest)* #definition } };
            }
            pub(crate) use __matcalc_body as body;
        }
    }
}

/// A function whose callees are being fetched.
struct Frame {
    /// The name its caller calls it by (the root: its own name).
    name: syn::Ident,
    /// The path of its module from the expansion site.
    path: TokenStream,
    /// How many of its calls were fetched.
    next: usize,
    /// The definition (the root: with its attributes, as the user wrote it).
    item: TokenStream,
    /// The definitions fetched so far.
    defs: Vec<Fetched>,
}

/// A fetched definition, as tokens, with the definitions of its callees.
struct Fetched {
    name: syn::Ident,
    tokens: TokenStream,
    callees: Vec<Fetched>,
}

impl Fetched {
    fn callee_def(self) -> syn::Result<CalleeDef> {
        Ok(CalleeDef {
            name: self.name.unraw().to_string(),
            item: syn::parse2(self.tokens)?,
            callees: self
                .callees
                .into_iter()
                .map(Fetched::callee_def)
                .collect::<syn::Result<_>>()?,
        })
    }
}

/// Brackets nested deeper than this are carried as a string (see `carried`).
const CARRY_AS_TOKENS_UP_TO: usize = 48;

/// The bracket nesting of `tokens`, measured without recursion.
fn nesting(tokens: &TokenStream) -> usize {
    let mut deepest = 0;
    let mut stack = vec![tokens.clone().into_iter()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(TokenTree::Group(group)) => {
                stack.push(group.stream().into_iter());
                deepest = deepest.max(stack.len() - 1);
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    deepest
}

/// A definition as carried through `macro_rules!` (in a callee's module and in the state of the
/// fetch chain): its tokens in braces, which keep their spans for errors, or, when deeply
/// nested, a string literal, since rustc's handling of `macro_rules!` overflows its stack on
/// the deepest bodies the engine accepts (spans inside are then the call site's).
fn carried(tokens: TokenStream) -> TokenTree {
    if nesting(&tokens) <= CARRY_AS_TOKENS_UP_TO {
        TokenTree::Group(Group::new(Delimiter::Brace, tokens))
    } else {
        TokenTree::Literal(proc_macro2::Literal::string(&tokens.to_string()))
    }
}

/// Reads what `carried` wrote.
fn uncarried(input: ParseStream) -> syn::Result<TokenStream> {
    if input.peek(syn::LitStr) {
        let text: syn::LitStr = input.parse()?;
        text.value()
            .parse()
            .map_err(|_| syn::Error::new(text.span(), "matcalc: a carried definition is invalid"))
    } else {
        let body;
        syn::braced!(body in input);
        body.parse()
    }
}

fn def_tokens(def: &Fetched) -> TokenStream {
    let name = &def.name;
    let item = carried(def.tokens.clone());
    let nested: Vec<TokenStream> = def.callees.iter().map(def_tokens).collect();
    quote!(#name #item [ #(#nested)* ])
}

impl ToTokens for Frame {
    fn to_tokens(&self, out: &mut TokenStream) {
        let (name, path, next) = (&self.name, &self.path, self.next);
        let item = carried(self.item.clone());
        let defs: Vec<TokenStream> = self.defs.iter().map(def_tokens).collect();
        out.extend(quote!(#name ( #path ) #next #item [ #(#defs)* ]));
    }
}

fn parse_def(input: ParseStream) -> syn::Result<Fetched> {
    let name: syn::Ident = input.parse()?;
    let tokens = uncarried(input)?;
    let nested;
    syn::bracketed!(nested in input);
    let mut callees = Vec::new();
    while !nested.is_empty() {
        callees.push(parse_def(&nested)?);
    }
    Ok(Fetched {
        name,
        tokens,
        callees,
    })
}

/// The state `__with_callees!` receives: the frames, then the definition just fetched.
struct State {
    frames: Vec<Frame>,
    fetched: Option<TokenStream>,
}

impl Parse for State {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut frames = Vec::new();
        while input.peek(syn::Ident) {
            let name: syn::Ident = input.parse()?;
            let path;
            syn::parenthesized!(path in input);
            let path: TokenStream = path.parse()?;
            let next: syn::LitInt = input.parse()?;
            let item = uncarried(input)?;
            let defs;
            syn::bracketed!(defs in input);
            let mut fetched = Vec::new();
            while !defs.is_empty() {
                fetched.push(parse_def(&defs)?);
            }
            frames.push(Frame {
                name,
                path,
                next: next.base10_parse()?,
                item,
                defs: fetched,
            });
        }
        let fetched = if input.is_empty() {
            None
        } else {
            Some(uncarried(input)?)
        };
        Ok(State { frames, fetched })
    }
}

/// What to do next.
pub enum Step {
    /// Expand to these tokens (the next callee's macro invocation).
    Fetch(TokenStream),
    /// Every callee is fetched: derive `root` (the caller as written, attributes included)
    /// with these definitions.
    Done {
        /// The caller as written.
        root: TokenStream,
        /// The definitions of its callees.
        callees: Vec<CalleeDef>,
    },
    /// The calls cannot be resolved (recursion, too deep): this error, and the root as written.
    Failed {
        /// What is wrong, at the call; `None` when it is reported by another expansion.
        error: Option<syn::Error>,
        /// The caller as written.
        root: TokenStream,
    },
}

/// The first step for a caller `item` (`root`: as written, with its attributes) whose body
/// calls functions not yet fetched.
pub fn begin(root: TokenStream, item: &syn::ItemFn) -> Step {
    let frame = Frame {
        name: item.sig.ident.clone(),
        path: item.sig.ident.to_token_stream(),
        next: 0,
        item: root,
        defs: Vec::new(),
    };
    advance(vec![frame])
}

/// One step of `__with_callees!`.
pub fn step(input: TokenStream) -> Result<Step, syn::Error> {
    let State {
        mut frames,
        fetched,
    } = syn::parse2(input)?;
    let Some(top) = frames.last() else {
        return Err(syn::Error::new(
            Span::call_site(),
            "matcalc: `__with_callees!` is internal to the attribute macros",
        ));
    };
    if let Some(def) = fetched {
        let item = parse_fn(&top.item)?;
        let calls = parse::calls(&item);
        let i = top.next.saturating_sub(1);
        let Some(call) = calls.get(i) else {
            return Err(syn::Error::new(
                Span::call_site(),
                "matcalc: fetched an unknown callee",
            ));
        };
        let at = call
            .segments
            .last()
            .map_or_else(Span::call_site, |s| s.ident.span());
        let root = frames[0].item.clone();
        // A definition is known by its tokens (the same function fetched again closes a cycle).
        let key = |tokens: &TokenStream| leaves(definition(tokens.clone()));
        let fetched_key = key(&def);
        let fn_name = |tokens: &TokenStream| {
            let mut trees = definition(tokens.clone()).into_iter().skip(1);
            trees.next().map_or_else(String::new, |t| t.to_string())
        };
        let mut chain = Vec::new();
        let mut cycle = false;
        let mut through_root = false;
        for (k, frame) in frames.iter().enumerate() {
            let closes = key(&frame.item) == fetched_key;
            through_root |= closes && k == 0;
            cycle |= closes;
            if cycle {
                chain.push(fn_name(&frame.item));
            }
        }
        if cycle {
            chain.push(fn_name(&def));
            let chain: Vec<String> = chain.iter().map(|n| format!("`{n}`")).collect();
            let error = syn::Error::new(
                at,
                format!(
                    "recursion: {} — matcalc inlines the functions a body calls, so a function \
                     cannot call itself, directly or through others",
                    chain.join(" calls ")
                ),
            );
            // A cycle the root is not on is reported by the expansions of its members (each is
            // a matcalc function); the root only fails, silently, so the error is not repeated.
            let error = through_root.then_some(error);
            return Ok(Step::Failed { error, root });
        }
        if frames.len() > MAX_CALL_DEPTH {
            let error = syn::Error::new(
                at,
                format!("calls nest more than {MAX_CALL_DEPTH} functions deep"),
            );
            return Ok(Step::Failed {
                error: Some(error),
                root,
            });
        }
        let name = call.segments.last().map(|s| s.ident.clone());
        let local = callee_ident(&calls, i);
        let parent = &top.path;
        frames.push(Frame {
            name: name.unwrap_or_else(|| local.clone()),
            path: quote!(#parent :: #local),
            next: 0,
            item: def,
            defs: Vec::new(),
        });
    }
    Ok(advance(frames))
}

fn parse_fn(tokens: &TokenStream) -> Result<syn::ItemFn, syn::Error> {
    syn::parse2(tokens.clone())
}

fn advance(mut frames: Vec<Frame>) -> Step {
    loop {
        let Some(top) = frames.last_mut() else {
            return Step::Failed {
                error: Some(syn::Error::new(
                    Span::call_site(),
                    "matcalc: no function to derive",
                )),
                root: TokenStream::new(),
            };
        };
        let item = match parse_fn(&top.item) {
            Ok(item) => item,
            Err(error) => {
                let root = frames[0].item.clone();
                return Step::Failed {
                    error: Some(error),
                    root,
                };
            }
        };
        let calls = parse::calls(&item);
        if top.next < calls.len() {
            let local = callee_ident(&calls, top.next);
            let path = top.path.clone();
            top.next += 1;
            return Step::Fetch(quote! {
                #path :: #local :: body! { #(#frames)* }
            });
        }
        drop(item);
        let done = frames.pop().expect("a frame is on the stack");
        match frames.last_mut() {
            None => {
                let callees: syn::Result<Vec<CalleeDef>> =
                    done.defs.into_iter().map(Fetched::callee_def).collect();
                return match callees {
                    Ok(callees) => Step::Done {
                        root: done.item,
                        callees,
                    },
                    Err(error) => Step::Failed {
                        error: Some(error),
                        root: done.item,
                    },
                };
            }
            Some(parent) => parent.defs.push(Fetched {
                name: done.name,
                tokens: done.item,
                callees: done.defs,
            }),
        }
    }
}
