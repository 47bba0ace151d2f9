# Values read from the page, arithmetic, fields as arguments, the loop index and data-driven scenarios.
let route = {shown: 3}
let width = 2 * 640 + 1

scenario "add ${todo}" for each todo in ["milk", "bread"] on todos tags data {
    let left = number of "#todo-count" within 2s
    let next = left - 1
    let again = left -1
    let link = attribute "href" of "#all"
    expect "#todo-list li" count route.shown
    expect next equals route.shown
    for each i, item in ["a", "b"] {
        expect "li:nth-child(${i})" has exact text item
    }
}

scenario "row ${i}: ${row.name}" for each i, row in csv("users.csv") {
    log row.name
}
