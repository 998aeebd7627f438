//! Rocket's own errors (no route, bad method, body limits, panics) as problem documents.

use rocket::http::Status;
use rocket::request::Request;
use rocket::response::Response;
use rocket::Catcher;

use super::problem::{problem_response, take_stashed};
use crate::error::AppError;

pub struct Problematic(AppError);

impl<'r> rocket::response::Responder<'r, 'static> for Problematic {
    fn respond_to(self, req: &'r Request<'_>) -> rocket::response::Result<'static> {
        let res: Response<'static> = problem_response(req, &self.0);
        Ok(res)
    }
}

#[rocket::catch(default)]
fn default_catcher(status: Status, req: &Request<'_>) -> Problematic {
    if let Some(err) = take_stashed(req) {
        return Problematic(err);
    }
    let err = match status.code {
        400 => AppError::BadRequest("The request could not be understood.".into()),
        401 => AppError::Unauthorized,
        403 => AppError::Forbidden("You do not have permission for this action.".into()),
        404 => AppError::NotFound,
        405 => AppError::MethodNotAllowed,
        413 => AppError::PayloadTooLarge("The request body is too large.".into()),
        415 => AppError::UnsupportedMediaType("Unsupported content type.".into()),
        422 => AppError::Validation(vec![]),
        429 => AppError::RateLimited {
            retry_after_secs: 60,
        },
        503 => AppError::TenantUnavailable("service unavailable".into()),
        507 => AppError::InsufficientStorage,
        c if (400..500).contains(&c) => {
            AppError::BadRequest(format!("Request failed with status {c}."))
        }
        _ => AppError::Internal(format!("unhandled status {}", status.code)),
    };
    Problematic(err)
}

pub fn all() -> Vec<Catcher> {
    rocket::catchers![default_catcher]
}
