"""`panoptic record URL -o file.pan`: a `.pan` file written from what a person does in Chromium.

Modules: `listener` (the script injected into every page; it reports actions
through a binding), `events` (the reported actions as frozen events), `targets`
(the most robust target that names an element alone), `steps` (events folded
into steps: one fill per field, no step for a navigation a click caused, …),
`flows` (repeated sequences as flows called once per repetition), `writer` (the
`.pan` syntax tree, printed by the formatter) and `session` (the browser, the
binding, writing the file as it goes, stopping). See docs/record.md.
"""
