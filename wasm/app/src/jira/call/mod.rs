//! [`Call`]: the one way the component sends a request to Jira, its retries
//! ([`retry`]) and its pacing by Jira's rate-limit headers ([`pace`]).

pub mod pace;
pub mod retry;

use serde::de::DeserializeOwned;

use super::{error_for, JiraPath};
use crate::executor::Ctx;
use crate::protocol::{HttpResponse, JiraRequest, Method, Principal};
use crate::Error;

/// One request to Jira: what to send, on whose behalf (the acting user unless
/// told otherwise) and whether to retry (not unless [`Call::patient`]).
///
/// [`Call::json`] sends it and parses a 2xx JSON answer, mapping any other
/// status to a stable error ([`error_for`]). [`Call::send`] returns the
/// response whatever its status, for the callers that treat some statuses as
/// answers; [`Call::success`], [`Call::parse`] and [`Call::error_for`] then
/// check and read it with the request named in their messages.
///
/// ```
/// use worklogs_app::jira::{Call, JiraPath};
/// use worklogs_app::{Method, Principal};
/// let call = Call::get(JiraPath::api(&["myself"])).by(Principal::App);
/// let request = call.request();
/// assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", "/rest/api/3/myself"));
/// assert_eq!((request.principal, call.method()), (Principal::App, Method::Get));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    principal: Principal,
    method: Method,
    path: JiraPath,
    body: Option<String>,
    patient: bool,
    /// Whether a patient request is sent again after an answer that does not
    /// say whether Jira did it (a 5xx, a lost connection).
    again_when_unsure: bool,
}

impl Call {
    /// A request on the acting user's behalf, sent once.
    pub fn new(method: Method, path: JiraPath, body: Option<String>) -> Self {
        Self {
            principal: Principal::User,
            method,
            path,
            body,
            patient: false,
            again_when_unsure: true,
        }
    }

    /// A `GET` on the acting user's behalf, sent once.
    pub fn get(path: JiraPath) -> Self {
        Self::new(Method::Get, path, None)
    }

    /// A `POST` of a JSON body on the acting user's behalf, sent once.
    pub fn post(path: JiraPath, body: String) -> Self {
        Self::new(Method::Post, path, Some(body))
    }

    /// The same request on `principal`'s behalf (a [`Principal`] or a
    /// reference to one).
    pub fn by(mut self, principal: impl Into<Principal>) -> Self {
        self.principal = principal.into();
        self
    }

    /// The same request as the app.
    pub fn as_app(self) -> Self {
        self.by(Principal::App)
    }

    /// The same request, retried when Jira is busy or unavailable, waiting
    /// between attempts (see [`retry`]). For jobs, and for idempotent
    /// requests only: reads, and `POST`s that only read.
    pub fn patient(mut self) -> Self {
        self.patient = true;
        self
    }

    /// The same request, patient only where Jira surely did nothing (a 429,
    /// waited out as [`retry`] says): a 5xx or an answer the host lost is
    /// returned at once (as the response, or the host's `upstream` error), as
    /// Jira may have done it. For writes that must not happen twice: the
    /// caller looks at what Jira holds before sending again.
    pub fn patient_once(mut self) -> Self {
        self.patient = true;
        self.again_when_unsure = false;
        self
    }

    /// Whether a 5xx or a lost answer is retried (see [`Call::patient_once`]).
    pub fn again_when_unsure(&self) -> bool {
        self.again_when_unsure
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The path and query.
    pub fn path(&self) -> &JiraPath {
        &self.path
    }

    /// The effect's request, as the host gets it.
    pub fn request(&self) -> JiraRequest {
        JiraRequest {
            principal: self.principal.clone(),
            method: self.method.as_str().to_owned(),
            path: self.path.as_str().to_owned(),
            body: self.body.clone(),
        }
    }

    /// Sends the request (retrying when [patient](Call::patient)) and returns
    /// the response, whatever its status.
    ///
    /// # Errors
    ///
    /// The host's error when it could not perform the request; for a patient
    /// request, `upstream` when every attempt failed.
    pub async fn send(&self, ctx: &Ctx) -> Result<HttpResponse, Error> {
        if self.patient {
            retry::send(ctx, self).await
        } else {
            ctx.jira(self.request()).await
        }
    }

    /// Sends the request and parses a 2xx JSON answer.
    ///
    /// # Errors
    ///
    /// As [`Call::send`]; the mapped error of another status ([`error_for`]);
    /// `upstream` when the body is not the JSON expected.
    pub async fn json<T: DeserializeOwned>(&self, ctx: &Ctx) -> Result<T, Error> {
        let response = self.send(ctx).await?;
        let response = self.success(response)?;
        self.parse(&response)
    }

    /// The response itself when its status is 2xx.
    ///
    /// # Errors
    ///
    /// The mapped error otherwise ([`Call::error_for`]).
    pub fn success(&self, response: HttpResponse) -> Result<HttpResponse, Error> {
        if (200..300).contains(&response.status) {
            Ok(response)
        } else {
            Err(self.error_for(&response))
        }
    }

    /// Parses a JSON body.
    ///
    /// # Errors
    ///
    /// `upstream`, naming the request and what was wrong, when the body is not
    /// the JSON expected.
    pub fn parse<T: DeserializeOwned>(&self, response: &HttpResponse) -> Result<T, Error> {
        serde_json::from_str(&response.body).map_err(|e| {
            Error::upstream(format!(
                "jira answered {} {} with an unexpected body: {e}",
                self.method.as_str(),
                self.path.as_str()
            ))
        })
    }

    /// The stable error for a non-2xx response to this request ([`error_for`]).
    pub fn error_for(&self, response: &HttpResponse) -> Error {
        error_for(response, self.method, &self.path)
    }
}
