//! The vocabulary of the DSL as the parser sees it: the names `body` resolves calls with, the
//! lists its messages quote and the hints it gives, all read from the operation table.

use crate::table::Listing;
pub(super) use crate::table::{did_you_mean, lookup as builtin, Form, Lowers as Builtin};

/// The DSL functions, in the order error messages list them.
pub(super) const FUNCTIONS: Listing = Listing(Form::Function);

pub(super) const METHODS: Listing = Listing(Form::Method);
