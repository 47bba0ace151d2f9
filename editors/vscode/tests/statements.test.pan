# SYNTAX TEST "source.panoptic" "every statement of the registry (generated: do not edit)"

scenario "every statement" on shop {
    repeat 3 times {
#   ^^^^^^ keyword.control.panoptic
#            ^^^^^ keyword.control.panoptic
    }
    for each item in ["a", "b"] {
#   ^^^ keyword.control.panoptic
#       ^^^^ keyword.control.panoptic
#                 ^^ support.function.statement.panoptic
    }
    if visible "#id" {
#   ^^ keyword.control.panoptic
#      ^^^^^^^ support.function.statement.panoptic
    }
    if hidden "#id" {
#   ^^ keyword.control.panoptic
#      ^^^^^^ support.function.statement.panoptic
    }
    if not visible "#id" {
#   ^^ keyword.control.panoptic
#      ^^^ support.function.statement.panoptic
#          ^^^^^^^ support.function.statement.panoptic
    }
    retry 3 times {
#   ^^^^^ keyword.control.panoptic
#           ^^^^^ keyword.control.panoptic
    }
    fail "hello ${user}"
#   ^^^^ support.function.statement.panoptic
    log "hello ${user}"
#   ^^^ support.function.statement.panoptic
    wait 5s
#   ^^^^ support.function.statement.panoptic
    wait until "#id" visible within 5s
#   ^^^^ support.function.statement.panoptic
#        ^^^^^ support.function.statement.panoptic
#                    ^^^^^^^ support.function.statement.panoptic
#                            ^^^^^^ support.function.statement.panoptic
    open "hello ${user}"
#   ^^^^ support.function.statement.panoptic
    click "#id"
#   ^^^^^ support.function.statement.panoptic
    double click "#id"
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^ support.function.statement.panoptic
    right click "#id"
#   ^^^^^ support.function.statement.panoptic
#         ^^^^^ support.function.statement.panoptic
    tap "#id"
#   ^^^ support.function.statement.panoptic
    double tap "#id"
#   ^^^^^^ support.function.statement.panoptic
#          ^^^ support.function.statement.panoptic
    long press "#id" for 5s
#   ^^^^ support.function.statement.panoptic
#        ^^^^^ support.function.statement.panoptic
#                    ^^^ keyword.control.panoptic
    fill "#id" with "hello ${user}"
#   ^^^^ support.function.statement.panoptic
#              ^^^^ support.function.statement.panoptic
    type "hello ${user}" into "#id"
#   ^^^^ support.function.statement.panoptic
#                        ^^^^ support.function.statement.panoptic
    press "hello ${user}" on "#id"
#   ^^^^^ support.function.statement.panoptic
#                         ^^ support.function.statement.panoptic
    submit "#id"
#   ^^^^^^ support.function.statement.panoptic
    select "hello ${user}" in "#id"
#   ^^^^^^ support.function.statement.panoptic
#                          ^^ support.function.statement.panoptic
    check "#id"
#   ^^^^^ support.function.statement.panoptic
    uncheck "#id"
#   ^^^^^^^ support.function.statement.panoptic
    hover "#id"
#   ^^^^^ support.function.statement.panoptic
    move to "#id"
#   ^^^^ support.function.statement.panoptic
#        ^^ support.function.statement.panoptic
    drag "#id" to "#id"
#   ^^^^ support.function.statement.panoptic
#              ^^ support.function.statement.panoptic
    scroll up by 600
#   ^^^^^^ support.function.statement.panoptic
#          ^^ support.function.statement.panoptic
#             ^^ support.function.statement.panoptic
    scroll to "#id"
#   ^^^^^^ support.function.statement.panoptic
#          ^^ support.function.statement.panoptic
    swipe up
#   ^^^^^ support.function.statement.panoptic
#         ^^ support.function.statement.panoptic
    swipe from "#id" to "#id"
#   ^^^^^ support.function.statement.panoptic
#         ^^^^ support.function.statement.panoptic
#                    ^^ support.function.statement.panoptic
    go back
#   ^^ support.function.statement.panoptic
#      ^^^^ support.function.statement.panoptic
    go forward
#   ^^ support.function.statement.panoptic
#      ^^^^^^^ support.function.statement.panoptic
    reload
#   ^^^^^^ support.function.statement.panoptic
    back
#   ^^^^ support.function.statement.panoptic
    home
#   ^^^^ support.function.statement.panoptic
    hide keyboard
#   ^^^^ support.function.statement.panoptic
#        ^^^^^^^^ support.function.statement.panoptic
    screenshot "hello ${user}"
#   ^^^^^^^^^^ support.function.statement.panoptic
    record video
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^ support.function.statement.panoptic
    expect "#id" visible within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^^^^^ support.function.statement.panoptic
#                        ^^^^^^ support.function.statement.panoptic
    expect "#id" on screen within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^ support.function.statement.panoptic
#                   ^^^^^^ support.function.statement.panoptic
#                          ^^^^^^ support.function.statement.panoptic
    expect "#id" hidden within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^^^^ support.function.statement.panoptic
#                       ^^^^^^ support.function.statement.panoptic
    expect "#id" not visible within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^^^ support.function.statement.panoptic
#                            ^^^^^^ support.function.statement.panoptic
    expect "#id" enabled within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^^^^^ support.function.statement.panoptic
#                        ^^^^^^ support.function.statement.panoptic
    expect "#id" disabled within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^^^^^^ support.function.statement.panoptic
#                         ^^^^^^ support.function.statement.panoptic
    expect "#id" checked within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^^^^^ support.function.statement.panoptic
#                        ^^^^^^ support.function.statement.panoptic
    expect "#id" not checked within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^^^ support.function.statement.panoptic
#                            ^^^^^^ support.function.statement.panoptic
    expect "#id" has text "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^ support.type.target.panoptic
#                                         ^^^^^^ support.function.statement.panoptic
    expect "#id" contains "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^^^^^^ support.function.statement.panoptic
#                                         ^^^^^^ support.function.statement.panoptic
    expect "#id" has value "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^ support.function.statement.panoptic
#                                          ^^^^^^ support.function.statement.panoptic
    expect "#id" count 3 within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^^^ support.function.statement.panoptic
#                        ^^^^^^ support.function.statement.panoptic
    expect "#id" has count 3 within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^ support.function.statement.panoptic
#                            ^^^^^^ support.function.statement.panoptic
    expect url is "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^ support.function.statement.panoptic
#              ^^ support.function.statement.panoptic
#                                 ^^^^^^ support.function.statement.panoptic
    expect url contains "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^ support.function.statement.panoptic
#              ^^^^^^^^ support.function.statement.panoptic
#                                       ^^^^^^ support.function.statement.panoptic
    expect url matches "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^ support.function.statement.panoptic
#              ^^^^^^^ support.function.statement.panoptic
#                                      ^^^^^^ support.function.statement.panoptic
    expect title is "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^ support.function.statement.panoptic
#                ^^ support.function.statement.panoptic
#                                   ^^^^^^ support.function.statement.panoptic
    expect title contains "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^ support.function.statement.panoptic
#                ^^^^^^^^ support.function.statement.panoptic
#                                         ^^^^^^ support.function.statement.panoptic
}
