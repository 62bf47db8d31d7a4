//! The `statistics` module: coro (`lib.coro`) over one native helper, the normal
//! distribution's inverse CDF (CPython's `_statistics`), Wichura's algorithm AS241.

// The coefficients are written with the digits the algorithm publishes.
#![allow(clippy::excessive_precision)]

use crate::intern::intern;
use crate::modules::math::to_f64;
use crate::object::function::Args;
use crate::object::module::Module;
use crate::runtime::args::check_args;
use crate::runtime::define::native;
use crate::value::Value;
use crate::vm::PyResult;
use std::rc::Rc;

pub const SOURCE: &str = include_str!("lib.coro");

pub fn make_module() -> Rc<Module> {
    let m = Rc::new(Module::new(intern("statistics")));
    m.set(intern("__name__"), Value::str("statistics"));
    m.set(intern("_normal_dist_inv_cdf"), native("_normal_dist_inv_cdf", normal_dist_inv_cdf));
    m
}

/// A polynomial's value at `x`, coefficients from the highest power down (Horner's rule,
/// in the order AS241 evaluates it).
fn poly(coefficients: &[f64], x: f64) -> f64 {
    coefficients.iter().fold(0.0, |acc, &c| acc * x + c)
}

// The rational approximations of AS241 (Wichura 1988, Applied Statistics 37(3)): near the
// centre, in the tails up to r = 5, and beyond.
const CENTRAL_NUM: [f64; 8] = [
    2.5090809287301226727e+3,
    3.3430575583588128105e+4,
    6.7265770927008700853e+4,
    4.5921953931549871457e+4,
    1.3731693765509461125e+4,
    1.9715909503065514427e+3,
    1.3314166789178437745e+2,
    3.3871328727963666080e+0,
];
const CENTRAL_DEN: [f64; 8] = [
    5.2264952788528545610e+3,
    2.8729085735721942674e+4,
    3.9307895800092710610e+4,
    2.1213794301586595867e+4,
    5.3941960214247511077e+3,
    6.8718700749205790830e+2,
    4.2313330701600911252e+1,
    1.0,
];
const NEAR_NUM: [f64; 8] = [
    7.74545014278341407640e-4,
    2.27238449892691845833e-2,
    2.41780725177450611770e-1,
    1.27045825245236838258e+0,
    3.64784832476320460504e+0,
    5.76949722146069140550e+0,
    4.63033784615654529590e+0,
    1.42343711074968357734e+0,
];
const NEAR_DEN: [f64; 8] = [
    1.05075007164441684324e-9,
    5.47593808499534494600e-4,
    1.51986665636164571966e-2,
    1.48103976427480074590e-1,
    6.89767334985100004550e-1,
    1.67638483018380384940e+0,
    2.05319162663775882187e+0,
    1.0,
];
const FAR_NUM: [f64; 8] = [
    2.01033439929228813265e-7,
    2.71155556874348757815e-5,
    1.24266094738807843860e-3,
    2.65321895265761230930e-2,
    2.96560571828504891230e-1,
    1.78482653991729133580e+0,
    5.46378491116411436990e+0,
    6.65790464350110377720e+0,
];
const FAR_DEN: [f64; 8] = [
    2.04426310338993978564e-15,
    1.42151175831644588870e-7,
    1.84631831751005468180e-5,
    7.86869131145613259100e-4,
    1.48753612908506148525e-2,
    1.36929880922735805310e-1,
    5.99832206555887937690e-1,
    1.0,
];

fn normal_dist_inv_cdf(a: &Args) -> PyResult {
    check_args(a, "_normal_dist_inv_cdf", 3, 3)?;
    let (p, mu, sigma) = (to_f64(&a.pos[0])?, to_f64(&a.pos[1])?, to_f64(&a.pos[2])?);
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let x = poly(&CENTRAL_NUM, r) * q / poly(&CENTRAL_DEN, r);
        return Ok(Value::Float(mu + x * sigma));
    }
    let r = if q <= 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly(&NEAR_NUM, r) / poly(&NEAR_DEN, r)
    } else {
        let r = r - 5.0;
        poly(&FAR_NUM, r) / poly(&FAR_DEN, r)
    };
    Ok(Value::Float(mu + if q < 0.0 { -x } else { x } * sigma))
}
