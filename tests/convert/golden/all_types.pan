# Converted by `panoptic convert` from all_types.yaml ("Every action type").

app shop: web {
    url: "http://127.0.0.1:8000"
    viewport: 1024x768
    headless: true
    timeout: 10s
}

secret bob_password = env("BOB_PASSWORD", "Str0ng-Passw0rd!")

scenario "Every action type" on shop {
    record video
    open "/"
    open "/cart"
    click "#add"
    fill "#q" with "mug"
    submit "#search-form"
    wait 2s
    wait until "#spinner" visible within 5s
    screenshot "cart"
    click text "Sign in"
    vision report "look"
    # generate (ai_test_generation): left out, see `panoptic generate URL -o FILE.pan` writes scenarios from a live page
    expect no errors except ["favicon.ico"]
    ai "add the cheapest mug"
    cloud sync to "s3://qa-results?region=eu-west-1"
    cloud analytics from "s3://qa-results?region=eu-west-1"
    # spread (distributed_test): left out, see `panoptic run --workers N` runs scenarios in N worker processes
    cloud cleanup "s3://qa-results?region=eu-west-1" older than 30d
    enterprise status
    user create "bob" role "developer" password bob_password email "bob@example.com"
    user authenticate "bob" password bob_password
    team create "web" lead "bob"
    team add "bob" to "web"
    project create "checkout" team "web"
    api key create "ci" for "bob" scopes ["projects:read"] expires in 30d
    audit report severity warning since 7d format csv
    compliance check "soc2"
    compliance check "gdpr"
    license info
    backup data to "../backups"
    cleanup data older than 90d dry run
}
