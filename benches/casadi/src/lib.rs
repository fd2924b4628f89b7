//! The CasADi-generated functions that `build.rs` compiled (`cfg(casadi)`), declared here
//! so that the static library is linked, and `Call`, which runs one with its work arrays.
//! Without generated C this library is empty and the bench only reports that.
#![allow(clippy::missing_safety_doc)]

#[cfg(casadi)]
mod generated {
    pub type Eval =
        unsafe extern "C" fn(*const *const f64, *const *mut f64, *mut i64, *mut f64, i32) -> i32;
    pub type Work = unsafe extern "C" fn(*mut i64, *mut i64, *mut i64, *mut i64) -> i32;

    /// The entry point and work-size function of each generated function, each under the cfg
    /// `build.rs` sets when it compiled that file.
    macro_rules! declare {
        ($($cfg:ident: $f:ident $w:ident),* $(,)?) => {
            extern "C" {
                $(
                    #[cfg($cfg)]
                    pub fn $f(arg: *const *const f64, res: *const *mut f64, iw: *mut i64, w: *mut f64, mem: i32) -> i32;
                    #[cfg($cfg)]
                    pub fn $w(sz_arg: *mut i64, sz_res: *mut i64, sz_iw: *mut i64, sz_w: *mut i64) -> i32;
                )*
            }
        };
    }

    declare!(
        casadi_seed_3: seed_3 seed_3_work,
        casadi_lstsq_3: lstsq_3 lstsq_3_work,
        casadi_gauss_3: gauss_3 gauss_3_work,
        casadi_mlp_3: mlp_3 mlp_3_work,
        casadi_seedjac_3: seedjac_3 seedjac_3_work,
        casadi_seedjacnnz_3: seedjacnnz_3 seedjacnnz_3_work,
        casadi_seed_8: seed_8 seed_8_work,
        casadi_lstsq_8: lstsq_8 lstsq_8_work,
        casadi_gauss_8: gauss_8 gauss_8_work,
        casadi_mlp_8: mlp_8 mlp_8_work,
        casadi_seedjac_8: seedjac_8 seedjac_8_work,
        casadi_seedjacnnz_8: seedjacnnz_8 seedjacnnz_8_work,
        casadi_seed_32: seed_32 seed_32_work,
        casadi_lstsq_32: lstsq_32 lstsq_32_work,
        casadi_gauss_32: gauss_32 gauss_32_work,
        casadi_mlp_32: mlp_32 mlp_32_work,
        casadi_seedjac_32: seedjac_32 seedjac_32_work,
        casadi_seedjacnnz_32: seedjacnnz_32 seedjacnnz_32_work,
    );

    /// One CasADi function with its work arrays and output buffers, allocated once.
    pub struct Call {
        eval: Eval,
        iw: Vec<i64>,
        w: Vec<f64>,
        outputs: Vec<Vec<f64>>,
        arg: Vec<*const f64>,
        res: Vec<*mut f64>,
    }

    impl Call {
        /// `eval` with outputs of the given lengths.
        pub fn new(eval: Eval, work: Work, output_lens: &[usize]) -> Call {
            let (mut a, mut r, mut i, mut w) = (0, 0, 0, 0);
            // SAFETY: the generated work function only writes the four sizes.
            unsafe { work(&mut a, &mut r, &mut i, &mut w) };
            let outputs: Vec<Vec<f64>> = output_lens.iter().map(|&n| vec![0.0; n]).collect();
            assert!(r as usize >= outputs.len());
            Call {
                eval,
                iw: vec![0; i as usize],
                w: vec![0.0; w as usize],
                arg: vec![std::ptr::null(); a as usize],
                res: vec![std::ptr::null_mut(); r as usize],
                outputs,
            }
        }

        /// Evaluates at `inputs` (dense column-major, in CasADi's input order).
        #[inline]
        pub fn run(&mut self, inputs: &[&[f64]]) -> &[Vec<f64>] {
            for (slot, x) in self.arg.iter_mut().zip(inputs) {
                *slot = x.as_ptr();
            }
            for (slot, out) in self.res.iter_mut().zip(self.outputs.iter_mut()) {
                *slot = out.as_mut_ptr();
            }
            // SAFETY: the pointers address buffers of the sizes the function was generated for
            // (the checks in `agree` compare every entry), and the work arrays have the sizes
            // its work function asked for.
            let status = unsafe {
                (self.eval)(
                    self.arg.as_ptr(),
                    self.res.as_ptr(),
                    self.iw.as_mut_ptr(),
                    self.w.as_mut_ptr(),
                    0,
                )
            };
            assert_eq!(status, 0);
            &self.outputs
        }
    }
}

#[cfg(casadi)]
pub use generated::*;
