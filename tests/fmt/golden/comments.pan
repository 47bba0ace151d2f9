#!/usr/bin/env panoptic
# A file header comment.

# A comment about the app.
app shop: web {  # trailing after the opening brace
    # before the first setting
    url: "http://127.0.0.1:8000"   # trailing after a setting

    # after a blank line
    timeout: 10s
    # before the closing brace
}   # trailing after the closing brace
# directly below a block declaration: a blank line is added above
let user = "alice"  #trailing without a space
let hashes = "#not-a-comment"   # but this is

flow login(name) {
# indented wrongly
    open "/login"   # trailing after a statement


    # two blank lines above collapse to one
    fill "#u" with name
        # over-indented, before the closing brace
}

scenario "comments everywhere" {
    if visible "#a" {  # after an if
        click "#a"  # inside
        # last in the if block
    } else {  # after else
        # only a comment in the else block
    }  # after the chain
    repeat 2 times {
        # a block holding only a comment
    }
    for each x in [  # after the bracket
        "a",  # after the first item
        # before the second item
        "b"
    ] {
        log x
    }
    let m = {
        a: 1,  # after a
        # before b
        b: [1, 2],
    }
}
setup {
    open "/"
}
    # trailing comments at the end of the file
# are kept at the end


