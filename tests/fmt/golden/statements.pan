app shop: web {
    url: "http://127.0.0.1:8000"
}

scenario "statements" on shop {
  open   "/"
    click    text "Add to cart"
  click at 120 ,340
  click at 120,340
  double   click role button "OK"
  fill label "Password"   with   "pw"
  type "ck" into "#search"
  press "Enter" on label "Password"
  select "Large" in "#size"
  scroll down by 600
  wait 1.5s
  wait 500ms
  wait until testid "promo" visible within 3s
  expect "#cart-count" has text "1" within 5s
  expect ".item" count -1
  expect url matches "/cart\\.html$"
  expect title is "Shop - \"Cart\""
  expect text "Welcome, ${user}" visible
  expect text "price: $${amount} \t tab" visible
  expect text "caf\u00e9 ünïcödé 🛒" visible
  fill "#q" \
      with "continued"
  screenshot "cart"
  record video
  login(user, "pw")
  login ( user , "pw" )
  for each item in ["a",
     "b",
     "c",] {
    fill "#q" with item
  }
  let local = [1,2]
  secret token = env("TOKEN")
  log "trailing comma" ,
}
