# A todo list driven through what real suites need every day: values read from the page, arithmetic and
# comparisons, the loop index, exact text, focus and blur, classes and attributes, storage, cookies and a
# storage state saved by one scenario and restored by another.

app todos: web {
    serve: "site"
    timeout: 5s
}

let groceries = ["buy milk", "bake bread", "wash the car"]
let route = {shown: 3}

flow add_todos(items) {
    for each title in items {
        fill "#new-todo" with title
        press "Enter" on "#new-todo"
    }
}

scenario "every added todo is listed, in order" tags smoke {
    open "/"
    expect local storage "todos" missing
    add_todos(groceries)
    expect "#todo-list li" count route.shown
    for each i, title in groceries {
        expect "#todo-list li:nth-child(${i}) label" has exact text title
    }
    let left = number of "#todo-count"
    let listed = count of "#todo-list li"
    expect left equals listed
    expect "#todo-count" has text "3 items left"
}

scenario "adding ${title} leaves one item" for each title in groceries tags data {
    open "/"
    add_todos([title])
    expect "#todo-count" has text "1 item left"
    expect "#todo-list li label" has exact text title
}

scenario "completing a todo leaves one less" {
    open "/"
    add_todos(groceries)
    let before = number of "#todo-count"
    check "#todo-list li:nth-child(1) .toggle"
    expect "#todo-list li:nth-child(1)" has class "completed"
    expect "#todo-list li:nth-child(2)" has no class "completed"
    expect "#todo-list li:nth-child(1) label" has css "text-decoration-line" "line-through"
    let after = number of "#todo-count"
    let expected = before - 1
    expect after equals expected
    expect after is less than before
}

scenario "an edit is saved trimmed when the field loses focus" {
    open "/"
    add_todos(["buy milk"])
    double click "#todo-list li label"
    expect focused has class "edit"
    fill focused with "  buy    oat milk  "
    blur ".edit"
    expect "#todo-list li label" has exact text "buy    oat milk"
    expect "#todo-list li label" has text "buy oat milk"
}

scenario "filters mark the one that is selected" {
    open "/"
    add_todos(groceries)
    check "#todo-list li:nth-child(2) .toggle"
    click "#active"
    expect url contains "#/active"
    expect "#active" has class "selected"
    expect "#all" has no class "selected"
    expect "#completed" has attribute "href" "#/completed"
    expect "#todo-list li" count 2
    click "#completed"
    expect "#todo-list li" count 1
    expect "#todo-list li label" has text "bake bread"
}

scenario "todos seeded in local storage are shown" {
    open "/"
    set local storage "todos" to "[{\"title\": \"seeded\", \"done\": false}]"
    reload
    expect "#todo-list li label" has text "seeded"
    let stored = local storage "todos"
    expect stored equals "[{\"title\": \"seeded\", \"done\": false}]"
}

scenario "sign in once" tags auth {
    open "/"
    expect cookie "session" missing
    click "#sign-in"
    expect "#user" has text "signed in as alice"
    expect cookie "session" is "alice-123"
    save storage state "alice"
}

scenario "a later scenario starts signed in" tags auth {
    restore storage state "alice"
    open "/"
    expect "#user" has text "signed in as alice"
    expect local storage "user" is "alice"
    clear cookies
    reload
    expect "#user" has text "not signed in"
}

scenario "clearing completed todos asks first" {
    open "/"
    add_todos(groceries)
    check "#todo-list li:nth-child(1) .toggle"
    click "#clear-completed"
    expect dialog "Remove 1 completed todo(s)?"
    expect "#todo-list li" count 3  # dismissed: nothing removed
    accept dialogs
    click "#clear-completed"
    expect "#todo-list li" count 2
}

scenario "the message of the day comes from the API" {
    mock "/api/motd" with json "fixtures/motd.json"
    open "/"
    wait for response "/api/motd" status 200
    expect "#motd" has text "Stay focused"
}

scenario "a failing API is shown" {
    mock "/api/motd" with status 503
    open "/"
    expect "#motd" has text "no message (503)"
}
