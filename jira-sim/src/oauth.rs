//! The simulator's authorization server: Atlassian's OAuth 2.0 authorization
//! code grant ("3LO"), with PKCE, as `auth.atlassian.com` and
//! `api.atlassian.com` serve it.
//!
//! - `GET /authorize`: checks the client, its redirect URI, `response_type=code`
//!   and a PKCE S256 challenge, then shows a sign-in page listing the world's
//!   people, with a consent button (`POST /authorize`), which redirects back
//!   with `code` and `state`.
//! - `POST /oauth/token`: `grant_type=authorization_code` (the code once, the
//!   same client and redirect URI, and the `code_verifier` whose SHA-256 is the
//!   challenge) and `grant_type=refresh_token`, whose refresh tokens rotate:
//!   each one is good for one use and answers a new one. Errors are OAuth's
//!   JSON (`{"error": "invalid_grant", "error_description": …}`).
//! - `GET /oauth/token/accessible-resources`: the site, for a bearer token.
//! - Jira's REST routes take `Authorization: Bearer <access token>` as its
//!   account; an expired or unknown one is refused with 401.
//!
//! Clients are registered by the test or the demo ([`OAuthClient`]), with an
//! access token lifetime short enough for expiry and refresh to be tested.
//! These routes are not Jira's REST API: they are not in `api::routes()` and
//! the conformance check does not cover them.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use serde_json::{json, Value};

use crate::api::{json_response, Params};
use crate::state::Sim;

use crate::grants::{now_ms, random_token, Grant, CODE_SECONDS};
pub use crate::grants::{s256, OAuthClient, CLOUD_ID, SCOPES};

impl Sim {
    /// Registers an OAuth app with the authorization server (replacing one
    /// with the same client id).
    pub fn register_oauth_client(&self, client: OAuthClient) {
        self.with_oauth(|o| o.register(client));
    }
}

/// An HTML page for a request the authorization server refuses before it
/// knows where to send the browser back.
fn refusal_page(message: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in refused</title></head>\
         <body style=\"font-family: sans-serif; max-width: 40rem; margin: 3rem auto\">\
         <h1>Sign-in refused</h1><p role=\"alert\">{}</p></body></html>",
        escape(message)
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The checked parameters of an authorization request.
struct AuthRequest {
    client_id: String,
    redirect_uri: String,
    state: String,
    scope: String,
    challenge: String,
}

fn check_request(sim: &Sim, params: &Params) -> Result<AuthRequest, String> {
    let get = |key: &str| params.get(key).unwrap_or_default().to_owned();
    let client_id = get("client_id");
    let redirect_uri = get("redirect_uri");
    let registered = sim.with_oauth(|o| o.client(&client_id).cloned());
    let Some(client) = registered else {
        return Err(format!("client_id {client_id:?} is not a registered app"));
    };
    if redirect_uri != client.redirect_uri {
        return Err(format!(
            "redirect_uri {redirect_uri:?} is not the app's callback URL"
        ));
    }
    if params.get("response_type") != Some("code") {
        return Err(format!(
            "response_type {:?}: expected \"code\"",
            params.get("response_type").unwrap_or_default()
        ));
    }
    if params.get("code_challenge_method") != Some("S256") {
        return Err(format!(
            "code_challenge_method {:?}: expected \"S256\"",
            params.get("code_challenge_method").unwrap_or_default()
        ));
    }
    let challenge = get("code_challenge");
    if challenge.len() != 43
        || !challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!(
            "code_challenge {challenge:?}: expected a base64url SHA-256 (43 characters)"
        ));
    }
    let scope = get("scope");
    if let Some(unknown) = scope
        .split_whitespace()
        .find(|s| !SCOPES.contains(s) && *s != "offline_access")
    {
        return Err(format!("scope {unknown:?} is not one this site grants"));
    }
    Ok(AuthRequest {
        client_id,
        redirect_uri,
        state: get("state"),
        scope,
        challenge,
    })
}

/// `GET /authorize`: the sign-in and consent page.
pub(crate) async fn authorize_page(State(sim): State<Sim>, params: Params) -> Response {
    let request = match check_request(&sim, &params) {
        Ok(request) => request,
        Err(why) => return refusal_page(&why),
    };
    let people: Vec<(String, String, String)> = sim.with_world(|w| {
        w.accounts
            .iter()
            .enumerate()
            .filter(|(i, a)| !a.app && u32::try_from(*i).is_ok_and(|i| !w.is_deactivated(i)))
            .map(|(_, a)| {
                (
                    a.account_id.clone(),
                    a.display_name.clone(),
                    a.email.clone().unwrap_or_default(),
                )
            })
            .collect()
    });
    let hidden = |name: &str, value: &str| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(value)
        )
    };
    let mut options = String::new();
    for (i, (id, name, email)) in people.iter().enumerate() {
        let checked = if i == 0 { " checked" } else { "" };
        options.push_str(&format!(
            "<label style=\"display:block;margin:.3rem 0\"><input type=\"radio\" name=\"account\" value=\"{}\"{checked}> {} <small>{}</small></label>",
            escape(id),
            escape(name),
            escape(email)
        ));
    }
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log in to continue</title></head>\
         <body style=\"font-family: sans-serif; max-width: 40rem; margin: 3rem auto\">\
         <h1>Log in to continue</h1>\
         <p>The app <strong>{client}</strong> asks to use your account on this site with the scopes <code>{scope}</code>.</p>\
         <form method=\"post\" action=\"/authorize\"><fieldset><legend>Choose your account</legend>{options}</fieldset>\
         {fields}<p><button type=\"submit\" name=\"consent\" value=\"accept\">Accept</button> \
         <button type=\"submit\" name=\"consent\" value=\"deny\">Deny</button></p></form></body></html>",
        client = escape(&request.client_id),
        scope = escape(&request.scope),
        fields = [
            hidden("client_id", &request.client_id),
            hidden("redirect_uri", &request.redirect_uri),
            hidden("response_type", "code"),
            hidden("state", &request.state),
            hidden("scope", &request.scope),
            hidden("code_challenge", &request.challenge),
            hidden("code_challenge_method", "S256"),
        ]
        .concat(),
    );
    let mut response = Html(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.headers_mut().insert(header::LOCATION, location);
            response
        }
        Err(_) => refusal_page("the callback URL cannot be sent as a header"),
    }
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let joiner = if base.contains('?') { '&' } else { '?' };
    format!("{base}{joiner}{query}")
}

/// `POST /authorize` (the consent form): a code for the chosen account,
/// back to the app's callback with the state.
pub(crate) async fn authorize_consent(State(sim): State<Sim>, body: Bytes) -> Response {
    let params = Params::parse(&String::from_utf8_lossy(&body));
    let request = match check_request(&sim, &params) {
        Ok(request) => request,
        Err(why) => return refusal_page(&why),
    };
    if params.get("consent") != Some("accept") {
        return redirect(&with_query(
            &request.redirect_uri,
            &[("error", "access_denied"), ("state", &request.state)],
        ));
    }
    let who = params.get("account").unwrap_or_default();
    let account = sim.with_world(|w| {
        w.find_account(who)
            .filter(|&a| !w.is_deactivated(a) && !w.accounts[a as usize].app)
    });
    let Some(account) = account else {
        return refusal_page(&format!("account {who:?} cannot sign in on this site"));
    };
    let code = random_token();
    let grant = Grant {
        client: request.client_id,
        account,
        redirect_uri: request.redirect_uri.clone(),
        challenge: request.challenge,
        scope: request.scope,
        expires_ms: now_ms() + CODE_SECONDS * 1000,
    };
    sim.with_oauth(|o| o.codes.insert(code.clone(), grant));
    redirect(&with_query(
        &request.redirect_uri,
        &[("code", &code), ("state", &request.state)],
    ))
}

/// An OAuth error answer.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

/// The token request's parameters: a form (as RFC 6749 says) or a JSON object
/// (as Atlassian's examples send), with the client's credentials in the body
/// or in HTTP Basic authentication.
fn token_params(headers: &HeaderMap, body: &[u8]) -> Params {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let mut pairs: Vec<(String, String)> = if is_json {
        serde_json::from_slice::<serde_json::Map<String, Value>>(body)
            .map(|map| {
                map.into_iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok());
    if let Some((id, secret)) = basic.as_deref().and_then(|b| b.split_once(':')) {
        let decode = |s: &str| {
            form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        pairs.push(("client_id".into(), decode(id)));
        pairs.push(("client_secret".into(), decode(secret)));
    }
    Params::from_pairs(pairs)
}

/// `POST /oauth/token`.
pub(crate) async fn token(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    let params = token_params(&headers, &body);
    let client_id = params.get("client_id").unwrap_or_default();
    let secret = params.get("client_secret").unwrap_or_default();
    let Some(client) = sim.with_oauth(|o| o.client(client_id).cloned()) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            &format!("client_id {client_id:?} is not a registered app"),
        );
    };
    if client.secret != secret {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "the client secret is wrong",
        );
    }
    let invalid_grant = |why: &str| oauth_error(StatusCode::FORBIDDEN, "invalid_grant", why);
    match params.get("grant_type").unwrap_or_default() {
        "authorization_code" => {
            let code = params.get("code").unwrap_or_default();
            // A code is good for one try, whatever its outcome.
            let Some(grant) = sim.with_oauth(|o| o.codes.remove(code)) else {
                return invalid_grant("the authorization code is unknown or was used");
            };
            if grant.expires_ms <= now_ms() {
                return invalid_grant("the authorization code expired");
            }
            if grant.client != client.id {
                return invalid_grant("the authorization code was issued to another app");
            }
            if params.get("redirect_uri") != Some(grant.redirect_uri.as_str()) {
                return invalid_grant("redirect_uri differs from the authorization request's");
            }
            let verifier = params.get("code_verifier").unwrap_or_default();
            if verifier.len() < 43 || verifier.len() > 128 {
                return invalid_grant("code_verifier must have 43 to 128 characters");
            }
            if s256(verifier) != grant.challenge {
                return invalid_grant("code_verifier does not match the code challenge");
            }
            let answer = sim.with_oauth(|o| o.issue(grant, client.access_token_seconds));
            json_response(StatusCode::OK, &answer)
        }
        "refresh_token" => {
            let refresh = params.get("refresh_token").unwrap_or_default();
            // Rotation: a refresh token is good for one use.
            let Some(grant) = sim.with_oauth(|o| o.refresh.remove(refresh)) else {
                return invalid_grant("the refresh token is unknown, expired or was rotated");
            };
            if grant.expires_ms <= now_ms() || grant.client != client.id {
                return invalid_grant("the refresh token is expired or another app's");
            }
            if sim.with_world(|w| w.is_deactivated(grant.account)) {
                return invalid_grant("the account is deactivated");
            }
            let answer = sim.with_oauth(|o| o.issue(grant, client.access_token_seconds));
            json_response(StatusCode::OK, &answer)
        }
        other => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("grant_type {other:?}: expected authorization_code or refresh_token"),
        ),
    }
}

/// `GET /oauth/token/accessible-resources`: the one site, for a live token.
pub(crate) async fn accessible_resources(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if sim.with_oauth(|o| o.bearer(token.trim())).is_none() {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the access token is unknown or expired",
        );
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let url = format!("http://{host}");
    json_response(
        StatusCode::OK,
        &json!([{
            "id": CLOUD_ID,
            "url": url,
            "name": "Worklogs simulator",
            "scopes": SCOPES,
            "avatarUrl": format!("{url}/sim/avatar/site"),
        }]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::OAuth;

    #[test]
    fn s256_is_rfc_7636s_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn access_tokens_expire_and_refresh_tokens_rotate() {
        let mut o = OAuth::default();
        let grant = Grant {
            client: "c".into(),
            account: 3,
            redirect_uri: "http://x/cb".into(),
            challenge: String::new(),
            scope: "read:jira-work".into(),
            expires_ms: 0,
        };
        let answer = o.issue(grant, 0);
        let access = answer["access_token"].as_str().unwrap();
        assert_eq!(o.bearer(access), None, "a token of 0 s is expired at once");
        let refresh = answer["refresh_token"].as_str().unwrap().to_owned();
        let grant = o.refresh.remove(&refresh).unwrap();
        assert!(!o.refresh.contains_key(&refresh));
        let again = o.issue(grant, 60);
        assert_eq!(o.bearer(again["access_token"].as_str().unwrap()), Some(3));
        assert_ne!(again["refresh_token"].as_str(), Some(refresh.as_str()));
    }
}
