# The enterprise statements on the project's store: run `panoptic enterprise init` first (see README.md).
# The app is only where the scenarios run; every statement here talks to the store, not to the page.

app console: web {
    url: "about:blank"
}

secret admin_password = env("PANOPTIC_ADMIN_PASSWORD")
secret member_password = env("PANOPTIC_MEMBER_PASSWORD")

scenario "an administrator sets up a team" on console tags enterprise {
    enterprise sign in as "ada" password admin_password
    enterprise set "retention_days" to 90
    user create "mia" role "manager" password member_password email "mia@example.com"
    user create "dev" role "developer" password member_password
    user create "vic" role "viewer" password member_password
    team create "web" lead "mia"
    team add "dev" to "web"
    project create "checkout" team "web"
    api key create "ci" for "dev" scopes ["projects:read", "status:read"] expires in 30d
    enterprise status
}

scenario "roles and key scopes are enforced" on console tags enterprise {
    enterprise sign in as "vic" password member_password
    enterprise expect denied {
        project create "shadow-it"
    }
    enterprise sign in as "mia" password member_password
    project create "search" team "web"
    enterprise expect denied {
        user create "eve" role "admin" password member_password
    }
    enterprise sign in as "ada" password admin_password
    api key create "deploy" for "dev" scopes ["projects:read"] expires in 7d
    enterprise sign in with new key "deploy"
    enterprise expect denied {
        enterprise status
    }
}

scenario "audit, retention, backup and compliance" on console tags enterprise {
    enterprise sign in as "ada" password admin_password
    audit verify
    audit report severity warning format csv
    audit report action "user.create"
    cleanup data older than 90d dry run
    cleanup data older than 90d
    backup data
    compliance check "soc2"
    compliance check "gdpr"
    license info
}
