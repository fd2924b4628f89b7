//! One run: expression and shapes → `request::prepare` (parse, infer, shape-check) → the
//! derivatives from `engine` → the formulas (`print`), the Rust code (`generate`), the
//! derivation (`steps`) and the numeric check (`check`).

use clap::error::ErrorKind;
use clap::CommandFactory;
use matcalc_symbolic::generate::{self, Derivation, Derivative, Role};
use matcalc_symbolic::ir::{Graph, NodeId, Shape};
use matcalc_symbolic::print;
use matcalc_symbolic::request::{self, Prepared};
use proc_macro2::Span;

use crate::args::{Cli, Options};
use crate::report::{self, Problem};
use crate::{check, steps, Failure};

/// What was derived for one `--wrt` variable (by parameter index). A product's `direction`
/// is the graph parameter (cotangent U, tangent T or v) it added.
#[derive(Clone, Copy)]
pub enum Derived {
    Gradient(NodeId),
    Jacobian(NodeId),
    Hessian {
        gradient: NodeId,
        hessian: NodeId,
    },
    Vjp {
        product: NodeId,
        direction: usize,
    },
    Jvp {
        product: NodeId,
        direction: usize,
    },
    Hvp {
        gradient: NodeId,
        product: NodeId,
        direction: usize,
    },
}

impl Derived {
    /// The CLI's view of what `generate::derive` returned for one variable.
    fn from_derivation(d: &Derivation) -> Derived {
        let node = |role: Role| {
            d.outputs
                .iter()
                .find(|o| o.role == role)
                .map(|o| o.node)
                .expect("the derivation has this output")
        };
        let direction = d.direction.unwrap_or_default();
        let roles: Vec<Role> = d.outputs.iter().map(|o| o.role).collect();
        match roles[..] {
            [Role::Gradient] => Derived::Gradient(node(Role::Gradient)),
            [Role::Jacobian] => Derived::Jacobian(node(Role::Jacobian)),
            [Role::Gradient, Role::Hessian] => Derived::Hessian {
                gradient: node(Role::Gradient),
                hessian: node(Role::Hessian),
            },
            [Role::Vjp] => Derived::Vjp {
                product: node(Role::Vjp),
                direction,
            },
            [Role::Jvp] => Derived::Jvp {
                product: node(Role::Jvp),
                direction,
            },
            _ => Derived::Hvp {
                gradient: node(Role::Gradient),
                product: node(Role::HessianVector),
                direction,
            },
        }
    }
}

/// Formulas in the notation the user asked for.
#[derive(Clone, Copy)]
pub struct Notation {
    pub latex: bool,
}

impl Notation {
    pub fn formula(self, g: &Graph, id: NodeId) -> String {
        if self.latex {
            print::latex(g, id)
        } else {
            print::unicode(g, id)
        }
    }
}

/// A usage error, formatted by clap with the subcommand's usage line; exit status 2.
fn usage(kind: Derivative, message: String) -> Failure {
    let mut cli = Cli::command();
    cli.build();
    let error = match cli.find_subcommand_mut(kind.attribute()) {
        Some(sub) => sub.error(ErrorKind::ValueValidation, message),
        None => cli.error(ErrorKind::ValueValidation, message),
    };
    Failure::Usage(error)
}

fn shape_words(shape: &Shape) -> String {
    match shape {
        Shape::Scalar => "a scalar".to_string(),
        Shape::Matrix(..) => shape.to_string(),
    }
}

/// Whether a parse error is an unknown function that a macro would read as a call of another
/// function (reference §4b "Calls"): the unknown name is a plain lower-case name without a
/// "did you mean" suggestion.
fn is_call_of_another_function(message: &str) -> bool {
    let Some(rest) = message.strip_prefix("unknown function `") else {
        return false;
    };
    let name = rest.split('`').next().unwrap_or_default();
    !rest.contains("did you mean")
        && syn::parse_str::<syn::Path>(name)
            .is_ok_and(|p| matcalc_symbolic::parse::is_call_path(&p))
}

pub fn run(kind: Derivative, o: &Options) -> Result<(), Failure> {
    for (i, (name, _)) in o.shape.iter().enumerate() {
        if o.shape[..i].iter().any(|(n, _)| n == name) {
            return Err(usage(kind, format!("`--shape {name}=..` is given twice")));
        }
    }
    let want_scalar = kind.needs_scalar();
    let mut p = request::prepare(&o.expr, &o.shape, &o.name, want_scalar).map_err(|errors| {
        let declared: Vec<String> = o
            .shape
            .iter()
            .map(|(n, k)| format!("{n} is {}", shape_words(k)))
            .collect();
        let problems: Vec<Problem> = errors
            .into_iter()
            .map(|e| {
                let call = is_call_of_another_function(&e.message);
                let mut problem = Problem::new(e.message).at(e.range, "");
                if call {
                    problem = problem.note(
                        "the command-line tool sees only this expression, not other functions: \
                         calls of functions marked `#[matcalc::function]` work inside the \
                         attribute macros; here, write the callee's body in place of the call",
                    );
                }
                if !declared.is_empty() {
                    problem = problem.note(format!("declared: {}", declared.join(", ")));
                }
                problem
            })
            .collect();
        report::emit(&o.expr, &problems);
        Failure::User
    })?;

    let mut wrt = Vec::new();
    for name in &o.wrt {
        match p.variables.iter().position(|v| v.name == *name) {
            Some(i) if !wrt.contains(&i) => wrt.push(i),
            Some(_) => {}
            None => {
                let names: Vec<&str> = p.variables.iter().map(|v| v.name.as_str()).collect();
                return Err(usage(
                    kind,
                    format!(
                    "--wrt {name}: `{name}` is not a variable of the expression; its variables \
                     are {}",
                    names.join(", ")
                ),
                ));
            }
        }
    }

    let value_shape = p.graph.shape(p.value).clone();
    if want_scalar && !value_shape.is_scalar() {
        let text = o.expr.trim();
        let start = o.expr.find(text).unwrap_or(0);
        report::emit(
            &o.expr,
            &[Problem::new(format!(
                "`matcalc {}` needs a scalar expression, but `{}` is {value_shape}",
                kind.attribute(),
                p.function.body.text
            ))
            .at(
                Some(start..start + text.len()),
                format!("this is {value_shape}"),
            )
            .note(format!(
                "use {} for a matrix-valued expression, or reduce it to a scalar with sum, tr, \
                 dot or norm_sq",
                if kind == Derivative::Hvp {
                    "`matcalc jvp` or `matcalc vjp`"
                } else {
                    "`matcalc jacobian`"
                }
            ))],
        );
        return Err(Failure::User);
    }

    if o.rust {
        return rust(kind, &p, &wrt);
    }

    if kind.direction_name().is_some() && wrt.len() > 1 {
        return Err(usage(
            kind,
            format!(
                "`matcalc {}` takes one --wrt variable (the product has one direction), but {} \
                 were given",
                kind.attribute(),
                wrt.len()
            ),
        ));
    }
    let mut derived = Vec::new();
    for &i in &wrt {
        // The expression is scalar where the kind needs it (checked above) and each call has
        // one variable, so `derive` accepts every request here.
        let derivation = generate::derive(&mut p.graph, p.value, kind, &[i])
            .expect("a scalar body and one variable per call");
        derived.push((i, Derived::from_derivation(&derivation)));
    }

    let notation = Notation { latex: o.latex };
    if o.steps {
        steps::print(&mut p, kind, &wrt, notation);
    }
    for &(i, d) in &derived {
        print_result(&p, i, d, notation);
    }
    print_inferred(&p, notation);
    if o.check && !check::run(&p, &derived, o) {
        return Err(Failure::User);
    }
    Ok(())
}

/// `s` in parentheses if it has a space outside of brackets and norms: `xᵀ A x` → `(xᵀ A x)`,
/// `‖W x − y‖²` and `\lVert W x - y \rVert^2` stay as they are.
pub fn group(s: &str) -> String {
    let mut depth = 0i32;
    let mut in_norm = false;
    for (i, c) in s.char_indices() {
        let rest = &s[i..];
        if rest.starts_with(r"\lVert") {
            depth += 1;
        } else if rest.starts_with(r"\rVert") {
            depth -= 1;
        }
        match c {
            '(' | '[' | '{' | '⟨' => depth += 1,
            ')' | ']' | '}' | '⟩' => depth -= 1,
            '‖' => in_norm = !in_norm,
            ' ' if depth == 0 && !in_norm => return format!("({s})"),
            _ => {}
        }
    }
    s.to_string()
}

/// The parameter's own node: `shape::lower` interns parameter i as node i.
pub fn param_node(i: usize) -> NodeId {
    NodeId(i as u32)
}

fn print_result(p: &Prepared, i: usize, d: Derived, n: Notation) {
    let g = &p.graph;
    let x = n.formula(g, param_node(i));
    let phi = n.formula(g, p.value);
    let shape = |id: NodeId| g.shape(id).to_string();
    match (d, n.latex) {
        (Derived::Gradient(grad), false)
        | (Derived::Hessian { gradient: grad, .. }, false)
        | (Derived::Hvp { gradient: grad, .. }, false) => {
            println!(
                "∂/∂{x} {} = {}  ({})",
                group(&phi),
                n.formula(g, grad),
                shape(grad)
            );
        }
        (Derived::Gradient(grad), true)
        | (Derived::Hessian { gradient: grad, .. }, true)
        | (Derived::Hvp { gradient: grad, .. }, true) => {
            println!(
                r"\frac{{\partial}}{{\partial {x}}} {} = {}",
                group(&phi),
                n.formula(g, grad)
            );
        }
        (Derived::Jacobian(j), false) => println!(
            "∂vec({phi})/∂(vec {x})ᵀ = {}  ({})",
            n.formula(g, j),
            shape(j)
        ),
        (Derived::Jacobian(j), true) => println!(
            r"\frac{{\partial \operatorname{{vec}}({phi})}}{{\partial (\operatorname{{vec}} {x})^\top}} = {}",
            n.formula(g, j)
        ),
        (Derived::Vjp { .. } | Derived::Jvp { .. }, _) => {}
    }
    if let Some((product, direction)) = match d {
        Derived::Vjp { product, direction }
        | Derived::Jvp { product, direction }
        | Derived::Hvp {
            product, direction, ..
        } => Some((product, direction)),
        _ => None,
    } {
        let dir = &g.params[direction].name;
        let lhs = match (d, n.latex) {
            (Derived::Vjp { .. }, false) => format!("∂⟨{dir}, {}⟩/∂{x}", phi),
            (Derived::Vjp { .. }, true) => {
                format!(r"\frac{{\partial \langle {dir}, {phi} \rangle}}{{\partial {x}}}")
            }
            (Derived::Jvp { .. }, false) => format!("d{}[d{x} = {dir}]", group(&phi)),
            (Derived::Jvp { .. }, true) => format!(r"d{}[d{x} = {dir}]", group(&phi)),
            (_, false) => format!("(∂²{}/∂(vec {x})∂(vec {x})ᵀ) {dir}", group(&phi)),
            (_, true) => format!(
                r"\frac{{\partial^2 {}}}{{\partial (\operatorname{{vec}} {x}) \, \partial (\operatorname{{vec}} {x})^\top}} {dir}",
                group(&phi)
            ),
        };
        if n.latex {
            println!("{lhs} = {}", n.formula(g, product));
        } else {
            println!(
                "{lhs} = {}  ({})\nwhere {dir} is {}, a free direction (the {} is never formed)",
                n.formula(g, product),
                shape(product),
                g.params[direction].shape,
                if matches!(d, Derived::Hvp { .. }) {
                    "Hessian"
                } else {
                    "Jacobian"
                }
            );
        }
    }
    if let Derived::Hessian { hessian, .. } = d {
        if n.latex {
            println!(
                r"\frac{{\partial^2 {}}}{{\partial (\operatorname{{vec}} {x}) \, \partial (\operatorname{{vec}} {x})^\top}} = {}",
                group(&phi),
                n.formula(g, hessian)
            );
        } else {
            println!(
                "∂²{}/∂(vec {x})∂(vec {x})ᵀ = {}  ({})",
                group(&phi),
                n.formula(g, hessian),
                shape(hessian)
            );
        }
    }
}

/// The shapes found for variables nobody declared, so the user sees what was assumed.
fn print_inferred(p: &Prepared, n: Notation) {
    let inferred: Vec<String> = p
        .variables
        .iter()
        .filter(|v| !v.declared)
        .map(|v| format!("{} is {}", v.name, shape_words(&v.shape)))
        .collect();
    if inferred.is_empty() {
        return;
    }
    let comment = if n.latex { "% " } else { "" };
    println!(
        "{comment}where {} (not declared: inferred from the expression; generic dimensions are \
         left generic)",
        inferred.join(", ")
    );
}

/// `--rust`: the function `#[grad(..)]` (or `#[jacobian]`, `#[hessian]`) would generate.
fn rust(kind: Derivative, p: &Prepared, wrt: &[usize]) -> Result<(), Failure> {
    let idents: Vec<syn::Ident> = wrt
        .iter()
        .map(|&i| syn::Ident::new(&p.variables[i].name, Span::call_site()))
        .collect();
    let names: Vec<String> = idents.iter().map(|i| i.to_string()).collect();
    let request = generate::Request {
        kind,
        wrt: idents,
        span: Span::call_site(),
    };
    let generated = generate::generate(&p.item, &[request]).and_then(syn::parse2::<syn::File>);
    match generated {
        Ok(file) => {
            let original = prettyplease::unparse(&syn::File {
                shebang: None,
                frontmatter: None,
                attrs: Vec::new(),
                items: vec![syn::Item::Fn(p.item.clone())],
            });
            println!(
                "// Generated by matcalc: what `#[{}({})]` derives from\n{}//\nuse matcalc::prelude::*;\n\n{}",
                kind.attribute(),
                names.join(", "),
                original
                    .lines()
                    .map(|l| format!("//     {l}\n"))
                    .collect::<String>(),
                prettyplease::unparse(&file)
            );
            Ok(())
        }
        Err(error) => {
            let problems: Vec<Problem> = error
                .into_iter()
                .map(|e| Problem::new(e.to_string()))
                .collect();
            report::emit(&p.function.body.text, &problems);
            Err(Failure::User)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::group;

    #[test]
    fn grouping() {
        assert_eq!(group("sum(X Y)"), "sum(X Y)");
        assert_eq!(group("xᵀ A x"), "(xᵀ A x)");
        assert_eq!(group("‖W x − y‖²"), "‖W x − y‖²");
        assert_eq!(group("‖A‖ + B"), "(‖A‖ + B)");
        assert_eq!(
            group(r"\lVert W x - y \rVert^2"),
            r"\lVert W x - y \rVert^2"
        );
        assert_eq!(
            group(r"\operatorname{sum}(X Y)"),
            r"\operatorname{sum}(X Y)"
        );
    }
}
