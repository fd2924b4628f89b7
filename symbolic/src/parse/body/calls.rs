//! Calls between DSL functions (reference §4b "Calls"): which written calls are calls of other
//! matcalc functions, the table of their definitions (carried to the caller by the callees'
//! macros, see `generate::calls`), and parsing a call into `ExprKind::Invoke`.
//!
//! A call `f(..)` or `path::to::f(..)` whose name is no DSL operation is a call of another
//! function when every segment of its path is a lower-case name (`Matrix::from_fn` and
//! `f64::sqrt` are not) and the name is not one of the operation table's aliases (`trace(A)`
//! keeps its "did you mean `tr`" hint). Without a table (the command-line tool, unit tests of one
//! function) such a call stays an unknown function.

use syn::ext::IdentExt;

use super::super::dsl::{did_you_mean, Form};
use super::Scope;
use crate::ast::{Callee, ExprKind};

/// The definition of a called function, with the definitions of the functions it calls (a
/// tree: each function's calls are resolved where it is written).
#[derive(Clone, Debug)]
pub struct CalleeDef {
    /// The name it is called by (the last segment of the call's path).
    pub name: String,
    /// Its definition, without attributes.
    pub item: syn::ItemFn,
    /// The functions it calls.
    pub callees: Vec<CalleeDef>,
}

/// How a body's calls of other functions are resolved.
pub(in crate::parse) struct Calls<'t> {
    /// The definitions available; `None` when calls cannot be resolved at all.
    pub table: Option<&'t [CalleeDef]>,
    /// Whether the function is a method (its calls cannot be fetched: no module beside it).
    pub in_method: bool,
    /// Calls found that the table does not define, in order of first appearance.
    pub pending: Vec<syn::Path>,
    /// The callees used, each parsed once.
    pub invoked: Vec<Callee>,
}

impl<'t> Calls<'t> {
    pub fn new(table: Option<&'t [CalleeDef]>, in_method: bool) -> Self {
        Calls {
            table,
            in_method,
            pending: Vec::new(),
            invoked: Vec::new(),
        }
    }
}

const PRIMITIVES: [&str; 6] = ["f64", "f32", "i32", "usize", "u32", "i64"];

/// Whether `path` (the function of a call) names another function rather than a DSL operation.
pub fn is_call_path(path: &syn::Path) -> bool {
    let Some(last) = path.segments.last() else {
        return false;
    };
    let name = last.ident.unraw().to_string();
    if path.segments.len() == 1 && did_you_mean(&name, Form::Function).is_some() {
        return false;
    }
    path.segments.iter().enumerate().all(|(i, s)| {
        let text = s.ident.unraw().to_string();
        let keyword = matches!(text.as_str(), "crate" | "self" | "super");
        (keyword && i + 1 < path.segments.len())
            || (!keyword
                && !PRIMITIVES.contains(&text.as_str())
                && text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_'))
    })
}

/// The text of a path as written (`layers::dense`), the key calls are compared by.
pub fn path_text(path: &syn::Path) -> String {
    super::tokens_text(path)
}

impl Scope<'_, '_> {
    /// A call of another function: `Some(kind)` when `path` is one (an `Invoke`, or `None`
    /// inside after an error), `None` when it is no call of a function (an unknown name).
    pub(super) fn invoke(
        &mut self,
        e: &syn::Expr,
        call: &syn::ExprCall,
    ) -> Option<Option<ExprKind>> {
        let table = self.calls.table?;
        let path = match &*call.func {
            syn::Expr::Path(p) if p.qself.is_none() => &p.path,
            _ => return None,
        };
        if !is_call_path(path) {
            return None;
        }
        let ident = &path.segments.last()?.ident;
        let name = ident.unraw().to_string();
        if self.calls.in_method {
            self.error(
                ident,
                format!(
                    "`{name}` is no DSL function: calls of other matcalc functions work in free \
                     functions, not yet in methods; call it from a free function, or write its \
                     body here"
                ),
            );
            return Some(None);
        }
        let args: Vec<Option<crate::ast::Expr>> = call.args.iter().map(|a| self.expr(a)).collect();
        let Some(def) = table.iter().find(|d| d.name == name) else {
            let text = path_text(path);
            if !self.calls.pending.iter().any(|p| path_text(p) == text) {
                self.calls.pending.push(path.clone());
            }
            self.error(
                ident,
                format!(
                    "`{name}` is not a matcalc function: mark it `#[matcalc::function]` (or give \
                     it a matcalc attribute) so that its body can be differentiated here"
                ),
            );
            return Some(None);
        };
        let index = match self.calls.invoked.iter().position(|c| c.name == name) {
            Some(i) => i,
            None => {
                let function = match super::super::function_with(&def.item, Some(&def.callees)) {
                    Ok(f) => f,
                    Err(_) => {
                        self.error(
                            ident,
                            format!(
                                "`{name}` has errors in its body (reported at its definition), \
                                 so it cannot be called yet"
                            ),
                        );
                        return Some(None);
                    }
                };
                if let Some(o) = function.outside.first() {
                    self.error(
                        ident,
                        format!(
                            "`{name}` reads outside data (`let {}: ..`), which a called function \
                             cannot: pass it to `{name}` as a parameter",
                            o.name
                        ),
                    );
                    return Some(None);
                }
                self.calls.invoked.push(Callee {
                    name: name.clone(),
                    function,
                });
                self.calls.invoked.len() - 1
            }
        };
        let params = &self.calls.invoked[index].function.params;
        if params.len() != args.len() {
            let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
            let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
            let was = if args.len() == 1 { "was" } else { "were" };
            self.error(
                e,
                format!(
                    "`{name}` takes {} {} ({}), but {} {was} given",
                    params.len(),
                    plural(params.len()),
                    names.join(", "),
                    args.len()
                ),
            );
            return Some(None);
        }
        let args: Option<Vec<crate::ast::Expr>> = args.into_iter().collect();
        Some(args.map(|args| ExprKind::Invoke(index, args)))
    }
}
