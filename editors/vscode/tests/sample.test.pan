# SYNTAX TEST "source.panoptic" "declarations, values, comments, tags and secrets"
# a comment line
# <------------- comment.line.number-sign.panoptic
use std.web
# <--- keyword.control.import.panoptic
#   ^^^^^^^ entity.name.namespace.module.panoptic

app shop: web {
# <--- storage.type.declaration.panoptic
#   ^^^^ entity.name.type.app.panoptic
#         ^^^ support.type.platform.panoptic
    serve: "site"   # trailing comment
#   ^^^^^ variable.other.property.setting.panoptic
#          ^^^^^^ string.quoted.double.panoptic
#                   ^^^^^^^^^^^^^^^^^^ comment.line.number-sign.panoptic
    viewport: 1280x720
#             ^^^^^^^^ constant.numeric.size.panoptic
    timeout: 10s
#            ^^^ constant.numeric.duration.panoptic
    headless: true
#             ^^^^ constant.language.panoptic
}

let user = env("SHOP_USER", "alice")
# <--- storage.type.declaration.panoptic
#   ^^^^ variable.other.definition.panoptic
#          ^^^ support.function.builtin.panoptic
#              ^^^^^^^^^^^ string.quoted.double.panoptic
secret password = env("SHOP_PASSWORD", "s3cret!")
# <------ storage.modifier.secret.panoptic
#      ^^^^^^^^ variable.other.constant.secret.panoptic

flow login(name, pw) {
# <---- storage.type.declaration.panoptic
#    ^^^^^ entity.name.function.flow.panoptic
#          ^^^^ variable.parameter.panoptic
#                ^^ variable.parameter.panoptic
    open "/login"
#   ^^^^ support.function.statement.panoptic
    fill label "Password" with pw
#   ^^^^ support.function.statement.panoptic
#        ^^^^^ support.type.target.panoptic
#                         ^^^^ support.function.statement.panoptic
#                              ^^ variable.other.panoptic
    click role button "Sign in"
#         ^^^^ support.type.target.panoptic
    expect text "Welcome, ${name}" visible
#          ^^^^ support.type.target.panoptic
#               ^^^^^^^^^^ string.quoted.double.panoptic
#                         ^^ punctuation.section.interpolation.begin.panoptic
#                           ^^^^ variable.other.interpolated.panoptic
#                               ^ punctuation.section.interpolation.end.panoptic
#                                  ^^^^^^^ support.function.statement.panoptic
    log "price: $${literal} and \"quoted\""
#               ^^^ constant.character.escape.dollar.panoptic
#                  ^^^^^^^^ - meta.interpolation.panoptic
#                               ^^ constant.character.escape.panoptic
}

setup { open "/" }
# <----- storage.type.declaration.panoptic
teardown { log "done" }
# <-------- storage.type.declaration.panoptic

scenario "checkout with one item" on shop tags smoke, "slow path" {
# <-------- storage.type.declaration.panoptic
#        ^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.panoptic
#                                 ^^ keyword.other.on.panoptic
#                                    ^^^^ entity.name.type.app.panoptic
#                                         ^^^^ keyword.other.tags.panoptic
#                                              ^^^^^ entity.name.tag.panoptic
#                                                     ^^^^^^^^^^^ entity.name.tag.panoptic
    record video
#   ^^^^^^ support.function.statement.panoptic
    login(user, password)
#   ^^^^^ entity.name.function.call.panoptic
    expect "#cart-count" has text "1" within 5s
#          ^^^^^^^^^^^^^ string.quoted.double.panoptic
#                        ^^^ support.function.statement.panoptic
#                            ^^^^ support.type.target.panoptic
#                                     ^^^^^^ support.function.statement.panoptic
#                                            ^^ constant.numeric.duration.panoptic
    wait 500ms
#        ^^^^^ constant.numeric.duration.panoptic
    scroll down by 600
#                  ^^^ constant.numeric.panoptic
    click at 120, 340
#         ^^ support.type.target.panoptic
#            ^^^ constant.numeric.panoptic
    repeat 3 times { click "#inc" }
#   ^^^^^^ keyword.control.panoptic
#          ^ constant.numeric.panoptic
#                    ^^^^^ support.function.statement.panoptic
    if visible "#banner" {
#   ^^ keyword.control.panoptic
        click "#close"
    } else {
#     ^^^^ keyword.control.panoptic
        log "no banner"
    }
    for each item in ["a", "b"] {
#   ^^^ keyword.control.panoptic
#            ^^^^ variable.other.panoptic
#                     ^^^ string.quoted.double.panoptic
        fill "#q" with item
    }
    let n = 2
#   ^^^ storage.type.declaration.panoptic
#       ^ variable.other.definition.panoptic
    click "#my-click-button"   # click-through words in strings and comments are not statements
#         ^^^^^^^^^^^^^^^^^ - support.function.statement.panoptic
#                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ - support.function.statement.panoptic
}
