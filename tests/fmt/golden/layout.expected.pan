let a = 1

let b = 2
let c = [1, 2]
let d = {one: 1, two: 2}
let e = [[1, 2], {k: "v"}]

flow f() {
    open "/"

    click "#a"
    click "#b"
}

scenario "s" {
    f()
}

setup {}

teardown {}
