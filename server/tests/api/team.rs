//! Settings → Team: invitations, roles and deactivation, with the permission rules.

use serde_json::{json, Value};

use crate::helpers::{session_cookie, spawn_app};

#[tokio::test]
async fn an_invited_agent_joins_through_the_link_once() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let invite: Value = app
        .call_ok(
            &owner,
            "settings/invite",
            json!({ "email": " Ivy@Shop.Example ", "role": "agent" }),
        )
        .await;
    assert_eq!(invite["emailed"], false, "no SMTP configured");
    let link = invite["link"].as_str().expect("link");
    assert!(link.starts_with(&app.url("/invite/")));
    let token = link.rsplit('/').next().expect("token");

    let details: Value = app
        .call_ok(&owner, "load_invite", json!({ "token": token }))
        .await;
    assert_eq!(details["email"], "ivy@shop.example");
    let team: Value = app.call_ok(&owner, "settings/team", json!({})).await;
    assert_eq!(team["invites"][0]["email"], "ivy@shop.example");

    let page = app.http.get(link).send().await.expect("invite page");
    assert_eq!(page.status(), 200);
    let short = app
        .server_fn(
            None,
            "accept_invite",
            &[("token", token), ("name", "Ivy"), ("password", "short")],
        )
        .await;
    assert!(!short.status().is_success() && !short.status().is_redirection());
    let accepted = app
        .server_fn(
            None,
            "accept_invite",
            &[
                ("token", token),
                ("name", "Ivy"),
                ("password", "another long password"),
            ],
        )
        .await;
    let ivy = session_cookie(&accepted);
    let me: Value = app
        .server_fn(Some(&ivy), "current_agent", &[])
        .await
        .json()
        .await
        .expect("me");
    assert_eq!(
        (me["email"].as_str(), me["role"].as_str()),
        (Some("ivy@shop.example"), Some("agent"))
    );

    let again = app
        .server_fn(
            None,
            "accept_invite",
            &[
                ("token", token),
                ("name", "Eve"),
                ("password", "another long password"),
            ],
        )
        .await;
    assert!(!again.status().is_success() && !again.status().is_redirection());
    let team: Value = app.call_ok(&owner, "settings/team", json!({})).await;
    assert_eq!(team["members"].as_array().map(Vec::len), Some(2));
    assert_eq!(team["invites"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn roles_change_within_the_rules_and_deactivation_logs_out() {
    let (app, _database) = spawn_app().await;
    let owner = app.owner_cookie().await;
    let admin = app
        .invited_cookie(&owner, "ada@shop.example", "admin")
        .await;
    let team: Value = app.call_ok(&owner, "settings/team", json!({})).await;
    let id_of = |email: &str| {
        team["members"]
            .as_array()
            .expect("members")
            .iter()
            .find(|member| member["email"] == email)
            .and_then(|member| member["id"].as_str())
            .expect("member")
            .to_owned()
    };
    let owner_id = id_of("olga@shop.example");
    let admin_id = id_of("ada@shop.example");

    // An admin cannot touch the owner, nor make anyone an owner.
    for (endpoint, body) in [
        (
            "settings/set_role",
            json!({ "id": owner_id, "role": "agent" }),
        ),
        (
            "settings/set_active",
            json!({ "id": owner_id, "active": false }),
        ),
    ] {
        let response = app.call(&admin, endpoint, body).await;
        assert_eq!(
            response.json::<Value>().await.expect("json"),
            json!("Forbidden")
        );
    }
    let bob = app
        .invited_cookie(&admin, "bob@shop.example", "agent")
        .await;
    let team: Value = app.call_ok(&owner, "settings/team", json!({})).await;
    let bob_id = team["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|member| member["email"] == "bob@shop.example")
        .and_then(|member| member["id"].as_str())
        .expect("bob")
        .to_owned();
    let promote = app
        .call(
            &admin,
            "settings/set_role",
            json!({ "id": bob_id, "role": "owner" }),
        )
        .await;
    assert_eq!(
        promote.json::<Value>().await.expect("json"),
        json!("Forbidden")
    );
    let _: Value = app
        .call_ok(
            &admin,
            "settings/set_role",
            json!({ "id": bob_id, "role": "admin" }),
        )
        .await;
    // Nobody changes their own role.
    let own = app
        .call(
            &owner,
            "settings/set_role",
            json!({ "id": owner_id, "role": "agent" }),
        )
        .await;
    assert!(!own.status().is_success());

    // The owner deactivates the admin: logged out at once, and cannot log back in.
    let _: Value = app
        .call_ok(
            &owner,
            "settings/set_active",
            json!({ "id": admin_id, "active": false }),
        )
        .await;
    let after = app.server_fn(Some(&admin), "current_agent", &[]).await;
    assert!(!after.status().is_success());
    let login = app
        .server_fn(
            None,
            "log_in",
            &[
                ("email", "ada@shop.example"),
                ("password", "another long password"),
            ],
        )
        .await;
    assert!(!login.status().is_redirection() && !login.status().is_success());
    let team: Value = app.call_ok(&owner, "settings/team", json!({})).await;
    let ada = team["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|member| member["email"] == "ada@shop.example")
        .cloned()
        .expect("ada");
    assert_eq!(ada["active"], false);
    let _ = bob;
    app.stop().await;
}
