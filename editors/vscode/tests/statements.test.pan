# SYNTAX TEST "source.panoptic" "every statement of the registry (generated: do not edit)"

scenario "every statement" on shop {
    repeat 3 times {
#   ^^^^^^ keyword.control.panoptic
#            ^^^^^ keyword.control.panoptic
    }
    for each item in ["a", "b"] {
#   ^^^ keyword.control.panoptic
#       ^^^^ keyword.control.panoptic
#                 ^^ keyword.control.panoptic
    }
    for each item , item in ["a", "b"] {
#   ^^^ keyword.control.panoptic
#       ^^^^ keyword.control.panoptic
#                        ^^ keyword.control.panoptic
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
    expect "x" equals "x"
#   ^^^^^^ support.function.statement.panoptic
#              ^^^^^^ support.function.statement.panoptic
    expect "x" does not equal "x"
#   ^^^^^^ support.function.statement.panoptic
#              ^^^^ support.function.statement.panoptic
#                   ^^^ support.function.statement.panoptic
#                       ^^^^^ support.function.statement.panoptic
    expect "x" is greater than "x"
#   ^^^^^^ support.function.statement.panoptic
#              ^^ support.function.statement.panoptic
#                 ^^^^^^^ support.function.statement.panoptic
#                         ^^^^ support.function.statement.panoptic
    expect "x" is less than "x"
#   ^^^^^^ support.function.statement.panoptic
#              ^^ support.function.statement.panoptic
#                 ^^^^ support.function.statement.panoptic
#                      ^^^^ support.function.statement.panoptic
    expect "x" is at least "x"
#   ^^^^^^ support.function.statement.panoptic
#              ^^ support.function.statement.panoptic
#                 ^^ support.type.target.panoptic
#                    ^^^^^ support.function.statement.panoptic
    expect "x" is at most "x"
#   ^^^^^^ support.function.statement.panoptic
#              ^^ support.function.statement.panoptic
#                 ^^ support.type.target.panoptic
#                    ^^^^ support.function.statement.panoptic
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
#                          ^^ keyword.control.panoptic
    check "#id"
#   ^^^^^ support.function.statement.panoptic
    uncheck "#id"
#   ^^^^^^^ support.function.statement.panoptic
    hover "#id"
#   ^^^^^ support.function.statement.panoptic
    focus "#id"
#   ^^^^^ support.function.statement.panoptic
    blur "#id"
#   ^^^^ support.function.statement.panoptic
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
    set local storage "hello ${user}" to "hello ${user}"
#   ^^^ support.function.statement.panoptic
#       ^^^^^ support.function.statement.panoptic
#             ^^^^^^^ support.function.statement.panoptic
#                                     ^^ support.function.statement.panoptic
    remove local storage "hello ${user}"
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^ support.function.statement.panoptic
#                ^^^^^^^ support.function.statement.panoptic
    clear local storage
#   ^^^^^ support.function.statement.panoptic
#         ^^^^^ support.function.statement.panoptic
#               ^^^^^^^ support.function.statement.panoptic
    set cookie "hello ${user}" to "hello ${user}"
#   ^^^ support.function.statement.panoptic
#       ^^^^^^ support.function.statement.panoptic
#                              ^^ support.function.statement.panoptic
    clear cookies
#   ^^^^^ support.function.statement.panoptic
#         ^^^^^^^ support.function.statement.panoptic
    save storage state "hello ${user}"
#   ^^^^ support.function.statement.panoptic
#        ^^^^^^^ support.function.statement.panoptic
#                ^^^^^ support.function.statement.panoptic
    restore storage state "hello ${user}"
#   ^^^^^^^ support.function.statement.panoptic
#           ^^^^^^^ support.function.statement.panoptic
#                   ^^^^^ support.function.statement.panoptic
    accept dialogs with "hello ${user}"
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^^^ support.function.statement.panoptic
#                  ^^^^ support.function.statement.panoptic
    dismiss dialogs
#   ^^^^^^^ support.function.statement.panoptic
#           ^^^^^^^ support.function.statement.panoptic
    mock "hello ${user}" with json "hello ${user}" status 3 delay 5s
#   ^^^^ support.function.statement.panoptic
#                        ^^^^ support.function.statement.panoptic
#                             ^^^^ support.function.statement.panoptic
#                                                  ^^^^^^ support.function.statement.panoptic
#                                                           ^^^^^ support.function.statement.panoptic
    mock "hello ${user}" with status 3 delay 5s
#   ^^^^ support.function.statement.panoptic
#                        ^^^^ support.function.statement.panoptic
#                             ^^^^^^ support.function.statement.panoptic
#                                      ^^^^^ support.function.statement.panoptic
    block "hello ${user}"
#   ^^^^^ support.function.statement.panoptic
    wait for response "hello ${user}" status 3 within 5s
#   ^^^^ support.function.statement.panoptic
#        ^^^ keyword.control.panoptic
#            ^^^^^^^^ support.function.statement.panoptic
#                                     ^^^^^^ support.function.statement.panoptic
#                                              ^^^^^^ support.function.statement.panoptic
    request GET "hello ${user}" with json "x" with headers "x"
#   ^^^^^^^ support.function.statement.panoptic
#           ^^^ support.function.statement.panoptic
#                               ^^^^ support.function.statement.panoptic
#                                    ^^^^ support.function.statement.panoptic
#                                             ^^^^ support.function.statement.panoptic
#                                                  ^^^^^^^ support.function.statement.panoptic
    upload "hello ${user}" to "#id"
#   ^^^^^^ support.function.statement.panoptic
#                          ^^ support.function.statement.panoptic
    expect screenshot matches "hello ${user}" of "#id" masking "#id" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^^^^^^ support.function.statement.panoptic
#                     ^^^^^^^ support.function.statement.panoptic
#                                             ^^ support.function.statement.panoptic
#                                                      ^^^^^^^ support.function.statement.panoptic
#                                                                    ^^^^^^ support.function.statement.panoptic
    pause
#   ^^^^^ support.function.statement.panoptic
    in frame "#id" {
#   ^^ keyword.control.panoptic
#      ^^^^^ keyword.control.panoptic
    }
    switch to tab 3
#   ^^^^^^ support.function.statement.panoptic
#          ^^ support.function.statement.panoptic
#             ^^^ support.function.statement.panoptic
    switch to new tab
#   ^^^^^^ support.function.statement.panoptic
#          ^^ support.function.statement.panoptic
#             ^^^ support.function.statement.panoptic
#                 ^^^ support.function.statement.panoptic
    close tab
#   ^^^^^ support.function.statement.panoptic
#         ^^^ support.function.statement.panoptic
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
    expect "#id" has exact text "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^ support.type.target.panoptic
#                          ^^^^ support.type.target.panoptic
#                                               ^^^^^^ support.function.statement.panoptic
    expect "#id" contains exact "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^^^^^^ support.function.statement.panoptic
#                         ^^^^^ support.type.target.panoptic
#                                               ^^^^^^ support.function.statement.panoptic
    expect "#id" has value "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^ support.function.statement.panoptic
#                                          ^^^^^^ support.function.statement.panoptic
    expect "#id" has exact value "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^ support.type.target.panoptic
#                          ^^^^^ support.function.statement.panoptic
#                                                ^^^^^^ support.function.statement.panoptic
    expect "#id" has class "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^ support.function.statement.panoptic
#                                          ^^^^^^ support.function.statement.panoptic
    expect "#id" has no class "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^ support.function.statement.panoptic
#                       ^^^^^ support.function.statement.panoptic
#                                             ^^^^^^ support.function.statement.panoptic
    expect "#id" has attribute "hello ${user}" "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^^^^^ support.function.statement.panoptic
#                                                              ^^^^^^ support.function.statement.panoptic
    expect "#id" has no attribute "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^ support.function.statement.panoptic
#                       ^^^^^^^^^ support.function.statement.panoptic
#                                                 ^^^^^^ support.function.statement.panoptic
    expect "#id" has css "hello ${user}" "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^ support.type.target.panoptic
#                                                        ^^^^^^ support.function.statement.panoptic
    expect "#id" count 3 within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^^^ support.function.statement.panoptic
#                        ^^^^^^ support.function.statement.panoptic
    expect "#id" has count 3 within 5s
#   ^^^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^ support.function.statement.panoptic
#                            ^^^^^^ support.function.statement.panoptic
    expect local storage "hello ${user}" is "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^ support.function.statement.panoptic
#                ^^^^^^^ support.function.statement.panoptic
#                                        ^^ support.function.statement.panoptic
#                                                           ^^^^^^ support.function.statement.panoptic
    expect local storage "hello ${user}" missing within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^ support.function.statement.panoptic
#                ^^^^^^^ support.function.statement.panoptic
#                                        ^^^^^^^ support.function.statement.panoptic
#                                                ^^^^^^ support.function.statement.panoptic
    expect cookie "hello ${user}" is "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^^ support.function.statement.panoptic
#                                 ^^ support.function.statement.panoptic
#                                                    ^^^^^^ support.function.statement.panoptic
    expect cookie "hello ${user}" missing within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^^ support.function.statement.panoptic
#                                 ^^^^^^^ support.function.statement.panoptic
#                                         ^^^^^^ support.function.statement.panoptic
    expect dialog "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^^ support.function.statement.panoptic
#                                 ^^^^^^ support.function.statement.panoptic
    expect download "hello ${user}" containing "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^^^^ support.function.statement.panoptic
#                                   ^^^^^^^^^^ support.function.statement.panoptic
#                                                              ^^^^^^ support.function.statement.panoptic
    expect tabs count 3 within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^ support.function.statement.panoptic
#               ^^^^^ support.function.statement.panoptic
#                       ^^^^^^ support.function.statement.panoptic
    expect response status 3 within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^^^^ support.function.statement.panoptic
#                   ^^^^^^ support.function.statement.panoptic
#                            ^^^^^^ support.function.statement.panoptic
    expect response json "hello ${user}" is "x" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^^^^ support.function.statement.panoptic
#                   ^^^^ support.function.statement.panoptic
#                                        ^^ support.function.statement.panoptic
#                                               ^^^^^^ support.function.statement.panoptic
    expect response header "hello ${user}" contains "hello ${user}" within 5s
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^^^^ support.function.statement.panoptic
#                   ^^^^^^ support.function.statement.panoptic
#                                          ^^^^^^^^ support.function.statement.panoptic
#                                                                   ^^^^^^ support.function.statement.panoptic
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
    let v = text of "#id" within 5s
#           ^^^^ support.type.target.panoptic
#                ^^ support.function.statement.panoptic
#                         ^^^^^^ support.function.statement.panoptic
    let v = exact text of "#id" within 5s
#           ^^^^^ support.type.target.panoptic
#                 ^^^^ support.type.target.panoptic
#                      ^^ support.function.statement.panoptic
#                               ^^^^^^ support.function.statement.panoptic
    let v = value of "#id" within 5s
#           ^^^^^ support.function.statement.panoptic
#                 ^^ support.function.statement.panoptic
#                          ^^^^^^ support.function.statement.panoptic
    let v = number of "#id" within 5s
#           ^^^^^^ support.function.statement.panoptic
#                  ^^ support.function.statement.panoptic
#                           ^^^^^^ support.function.statement.panoptic
    let v = count of "#id" within 5s
#           ^^^^^ support.function.statement.panoptic
#                 ^^ support.function.statement.panoptic
#                          ^^^^^^ support.function.statement.panoptic
    let v = attribute "hello ${user}" of "#id" within 5s
#           ^^^^^^^^^ support.function.statement.panoptic
#                                     ^^ support.function.statement.panoptic
#                                              ^^^^^^ support.function.statement.panoptic
    let v = css "hello ${user}" of "#id" within 5s
#           ^^^ support.type.target.panoptic
#                               ^^ support.function.statement.panoptic
#                                        ^^^^^^ support.function.statement.panoptic
    let v = page url within 5s
#           ^^^^ support.function.statement.panoptic
#                ^^^ support.function.statement.panoptic
#                    ^^^^^^ support.function.statement.panoptic
    let v = page title within 5s
#           ^^^^ support.function.statement.panoptic
#                ^^^^^ support.function.statement.panoptic
#                      ^^^^^^ support.function.statement.panoptic
    let v = local storage "hello ${user}" within 5s
#           ^^^^^ support.function.statement.panoptic
#                 ^^^^^^^ support.function.statement.panoptic
#                                         ^^^^^^ support.function.statement.panoptic
    let v = session storage "hello ${user}" within 5s
#           ^^^^^^^ support.function.statement.panoptic
#                   ^^^^^^^ support.function.statement.panoptic
#                                           ^^^^^^ support.function.statement.panoptic
    let v = cookie "hello ${user}" within 5s
#           ^^^^^^ support.function.statement.panoptic
#                                  ^^^^^^ support.function.statement.panoptic
    let v = response status within 5s
#           ^^^^^^^^ support.function.statement.panoptic
#                    ^^^^^^ support.function.statement.panoptic
#                           ^^^^^^ support.function.statement.panoptic
    let v = response text within 5s
#           ^^^^^^^^ support.function.statement.panoptic
#                    ^^^^ support.type.target.panoptic
#                         ^^^^^^ support.function.statement.panoptic
    let v = response json "hello ${user}" within 5s
#           ^^^^^^^^ support.function.statement.panoptic
#                    ^^^^ support.function.statement.panoptic
#                                         ^^^^^^ support.function.statement.panoptic
    let v = response header "hello ${user}" within 5s
#           ^^^^^^^^ support.function.statement.panoptic
#                    ^^^^^^ support.function.statement.panoptic
#                                           ^^^^^^ support.function.statement.panoptic
    vision report "hello ${user}"
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^^^ support.function.statement.panoptic
    expect no errors except ["a", "b"]
#   ^^^^^^ support.function.statement.panoptic
#          ^^ support.function.statement.panoptic
#             ^^^^^^ support.function.statement.panoptic
#                    ^^^^^^ support.function.statement.panoptic
    ai "hello ${user}"
#   ^^ support.function.statement.panoptic
    enterprise sign in as "hello ${user}" password "hello ${user}"
#   ^^^^^^^^^^ keyword.control.panoptic
#              ^^^^ support.function.statement.panoptic
#                   ^^ keyword.control.panoptic
#                      ^^ support.function.statement.panoptic
#                                         ^^^^^^^^ support.function.statement.panoptic
    enterprise sign in with key "hello ${user}"
#   ^^^^^^^^^^ keyword.control.panoptic
#              ^^^^ support.function.statement.panoptic
#                   ^^ keyword.control.panoptic
#                      ^^^^ support.function.statement.panoptic
#                           ^^^ support.function.statement.panoptic
    enterprise sign in with new key "hello ${user}"
#   ^^^^^^^^^^ keyword.control.panoptic
#              ^^^^ support.function.statement.panoptic
#                   ^^ keyword.control.panoptic
#                      ^^^^ support.function.statement.panoptic
#                           ^^^ support.function.statement.panoptic
#                               ^^^ support.function.statement.panoptic
    enterprise sign out
#   ^^^^^^^^^^ keyword.control.panoptic
#              ^^^^ support.function.statement.panoptic
#                   ^^^ support.function.statement.panoptic
    enterprise status
#   ^^^^^^^^^^ keyword.control.panoptic
#              ^^^^^^ support.function.statement.panoptic
    enterprise expect denied {
#   ^^^^^^^^^^ keyword.control.panoptic
#              ^^^^^^ support.function.statement.panoptic
#                     ^^^^^^ keyword.control.panoptic
    }
    user create "hello ${user}" role "hello ${user}" password "hello ${user}" email "hello ${user}"
#   ^^^^ support.function.statement.panoptic
#        ^^^^^^ support.function.statement.panoptic
#                               ^^^^ support.type.target.panoptic
#                                                    ^^^^^^^^ support.function.statement.panoptic
#                                                                             ^^^^^ support.function.statement.panoptic
    user authenticate "hello ${user}" password "hello ${user}"
#   ^^^^ support.function.statement.panoptic
#        ^^^^^^^^^^^^ support.function.statement.panoptic
#                                     ^^^^^^^^ support.function.statement.panoptic
    project create "hello ${user}" team "hello ${user}"
#   ^^^^^^^ support.function.statement.panoptic
#           ^^^^^^ support.function.statement.panoptic
#                                  ^^^^ support.function.statement.panoptic
    team create "hello ${user}" lead "hello ${user}"
#   ^^^^ support.function.statement.panoptic
#        ^^^^^^ support.function.statement.panoptic
#                               ^^^^ support.function.statement.panoptic
    team add "hello ${user}" to "hello ${user}"
#   ^^^^ support.function.statement.panoptic
#        ^^^ support.function.statement.panoptic
#                            ^^ support.function.statement.panoptic
    api key create "hello ${user}" for "hello ${user}" scopes ["a", "b"] expires in 5s
#   ^^^ support.function.statement.panoptic
#       ^^^ support.function.statement.panoptic
#           ^^^^^^ support.function.statement.panoptic
#                                  ^^^ keyword.control.panoptic
#                                                      ^^^^^^ support.function.statement.panoptic
#                                                                        ^^^^^^^ support.function.statement.panoptic
#                                                                                ^^ keyword.control.panoptic
    api key revoke "hello ${user}" for "hello ${user}"
#   ^^^ support.function.statement.panoptic
#       ^^^ support.function.statement.panoptic
#           ^^^^^^ support.function.statement.panoptic
#                                  ^^^ keyword.control.panoptic
    audit report user "hello ${user}" action "hello ${user}" severity info since 5s format json
#   ^^^^^ support.function.statement.panoptic
#         ^^^^^^ support.function.statement.panoptic
#                ^^^^ support.function.statement.panoptic
#                                     ^^^^^^ support.function.statement.panoptic
#                                                            ^^^^^^^^ support.function.statement.panoptic
#                                                                     ^^^^ support.function.statement.panoptic
#                                                                          ^^^^^ support.function.statement.panoptic
#                                                                                   ^^^^^^ support.function.statement.panoptic
#                                                                                          ^^^^ support.function.statement.panoptic
    audit verify
#   ^^^^^ support.function.statement.panoptic
#         ^^^^^^ support.function.statement.panoptic
    enterprise set "hello ${user}" to "x"
#   ^^^^^^^^^^ keyword.control.panoptic
#              ^^^ support.function.statement.panoptic
#                                  ^^ support.function.statement.panoptic
    compliance check "hello ${user}"
#   ^^^^^^^^^^ support.function.statement.panoptic
#              ^^^^^ support.function.statement.panoptic
    license info
#   ^^^^^^^ support.function.statement.panoptic
#           ^^^^ support.function.statement.panoptic
    backup data to "hello ${user}"
#   ^^^^^^ support.function.statement.panoptic
#          ^^^^ support.function.statement.panoptic
#               ^^ support.function.statement.panoptic
    cleanup data older than 5s
#   ^^^^^^^ support.function.statement.panoptic
#           ^^^^ support.function.statement.panoptic
#                ^^^^^ support.function.statement.panoptic
#                      ^^^^ support.function.statement.panoptic
    cleanup data older than 5s dry run
#   ^^^^^^^ support.function.statement.panoptic
#           ^^^^ support.function.statement.panoptic
#                ^^^^^ support.function.statement.panoptic
#                      ^^^^ support.function.statement.panoptic
#                              ^^^ support.function.statement.panoptic
#                                  ^^^ support.function.statement.panoptic
    cloud sync to "hello ${user}"
#   ^^^^^ support.function.statement.panoptic
#         ^^^^ support.function.statement.panoptic
#              ^^ support.function.statement.panoptic
    cloud cleanup older than 5s
#   ^^^^^ support.function.statement.panoptic
#         ^^^^^^^ support.function.statement.panoptic
#                 ^^^^^ support.function.statement.panoptic
#                       ^^^^ support.function.statement.panoptic
    cloud cleanup "hello ${user}" older than 5s
#   ^^^^^ support.function.statement.panoptic
#         ^^^^^^^ support.function.statement.panoptic
#                                 ^^^^^ support.function.statement.panoptic
#                                       ^^^^ support.function.statement.panoptic
    cloud analytics from "hello ${user}"
#   ^^^^^ support.function.statement.panoptic
#         ^^^^^^^^^ support.function.statement.panoptic
#                   ^^^^ support.function.statement.panoptic
    lock "hello ${user}" waiting up to 5s {
#   ^^^^ keyword.control.panoptic
#                        ^^^^^^^ keyword.control.panoptic
#                                ^^ support.function.statement.panoptic
#                                   ^^ support.function.statement.panoptic
    }
}
