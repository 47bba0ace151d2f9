// A small todo list: items kept in localStorage, edited in place (saved trimmed on blur), filtered by the URL hash,
// and a "sign in" that leaves a cookie and a localStorage entry behind.
const $ = (id) => document.getElementById(id);
let todos = JSON.parse(localStorage.getItem('todos') || '[]');

function save() {
  localStorage.setItem('todos', JSON.stringify(todos));
}

function render() {
  const filter = location.hash.replace('#/', '') || 'all';
  const list = $('todo-list');
  list.innerHTML = '';
  todos.forEach((todo, i) => {
    if ((filter === 'active' && todo.done) || (filter === 'completed' && !todo.done)) return;
    const li = document.createElement('li');
    li.dataset.index = String(i);
    if (todo.done) li.className = 'completed';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.className = 'toggle';
    box.checked = todo.done;
    box.addEventListener('change', () => { todo.done = box.checked; save(); render(); });
    const label = document.createElement('label');
    label.textContent = todo.title;
    label.addEventListener('dblclick', () => edit(li, label, todo));
    li.append(box, label);
    list.append(li);
  });
  const left = todos.filter((t) => !t.done).length;
  $('todo-count').innerHTML = `<strong>${left}</strong> ${left === 1 ? 'item' : 'items'} left`;
  for (const a of document.querySelectorAll('#filters a')) {
    a.classList.toggle('selected', a.id === filter);
  }
}

function edit(li, label, todo) {
  const input = document.createElement('input');
  input.className = 'edit';
  input.value = todo.title;
  input.addEventListener('blur', () => {
    todo.title = input.value.trim();
    save();
    render();
  });
  li.replaceChild(input, label);
  input.focus();
}

$('new-todo').addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  const title = e.target.value.trim();
  if (!title) return;
  todos.push({title, done: false});
  e.target.value = '';
  save();
  render();
});

$('sign-in').addEventListener('click', () => {
  document.cookie = 'session=alice-123; path=/';
  localStorage.setItem('user', 'alice');
  showUser();
});

function showUser() {
  const signedIn = document.cookie.includes('session=') && localStorage.getItem('user');
  $('user').textContent = signedIn ? `signed in as ${localStorage.getItem('user')}` : 'not signed in';
}

$('clear-completed').addEventListener('click', () => {
  if (!confirm(`Remove ${todos.filter((t) => t.done).length} completed todo(s)?`)) return;
  todos = todos.filter((t) => !t.done);
  save();
  render();
});

fetch('/api/motd').then((r) => (r.ok ? r.json() : {text: `no message (${r.status})`}))
  .then((m) => { $('motd').textContent = m.text; })
  .catch(() => { $('motd').textContent = 'offline'; });

addEventListener('hashchange', render);
render();
showUser();
