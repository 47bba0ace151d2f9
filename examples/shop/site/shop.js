// Shared cart state for the example shop, kept in localStorage.
"use strict";

const Shop = (() => {
  const KEY = "panoptic-shop.cart";

  function load() {
    try {
      const items = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (_) {
      return [];
    }
  }

  function save(items) {
    localStorage.setItem(KEY, JSON.stringify(items));
    renderCount();
  }

  function add(item) {
    const items = load();
    items.push(item);
    save(items);
  }

  function clear() {
    save([]);
  }

  function renderCount() {
    const badge = document.getElementById("cart-count");
    if (badge) badge.textContent = String(load().length);
  }

  function user() {
    return localStorage.getItem("panoptic-shop.user");
  }

  function signIn(name) {
    localStorage.setItem("panoptic-shop.user", name);
  }

  document.addEventListener("DOMContentLoaded", renderCount);
  return { load, add, clear, renderCount, user, signIn };
})();
