// Drives a running Smooth server with the real frappe-js-sdk (from npm), exactly as a Frappe
// front end would: token auth, login, CRUD, filters, counts, whitelisted calls, file upload.
// Run by tests/api/test_frappe_js_sdk.py. Environment: SMOOTH_URL, SMOOTH_API_TOKEN ("key:secret"),
// SMOOTH_USER and SMOOTH_PASSWORD (the same user, for the login step).
// Prints "ok <step>" per passed step, exits 1 on the first failure.
'use strict';

const assert = require('node:assert/strict');
const { FrappeApp } = require('frappe-js-sdk');

const url = process.env.SMOOTH_URL;
const token = process.env.SMOOTH_API_TOKEN;
const user = process.env.SMOOTH_USER;
const password = process.env.SMOOTH_PASSWORD;
if (!url || !token || !user || !password) {
  console.error('FAIL setup: SMOOTH_URL, SMOOTH_API_TOKEN, SMOOTH_USER and SMOOTH_PASSWORD must be set');
  process.exit(2);
}

const app = new FrappeApp(url, { useToken: true, token: () => token, type: 'token' });
const db = app.db();
const call = app.call();

function describe(error) {
  if (error && typeof error === 'object' && 'httpStatus' in error) {
    return `HTTP ${error.httpStatus} ${error.exc_type || ''} ${error.exception || error.message || ''}`;
  }
  return error && error.stack ? error.stack : String(error);
}

async function step(name, fn) {
  try {
    await fn();
    console.log(`ok ${name}`);
  } catch (error) {
    console.log(`FAIL ${name}: ${describe(error)}`);
    process.exit(1);
  }
}

async function rejects(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

async function main() {
  const code = `SDK-${Date.now()}`;
  let name;

  await step('login', async () => {
    // A fresh FrappeApp without a token logs in with user and password (cookie session).
    const plain = new FrappeApp(url);
    const answer = await plain.auth().loginWithUsernamePassword({ username: user, password });
    assert.equal(answer.message, 'Logged In');
  });

  await step('get_logged_user', async () => {
    assert.equal(await app.auth().getLoggedInUser(), user);
  });

  await step('create', async () => {
    const doc = await db.createDoc('Test Note', {
      title: 'Written by frappe-js-sdk', code, priority: 7, status: 'Open',
      tags: [{ tag: 'sdk' }, { tag: 'node' }],
    });
    assert.match(doc.name, /^NOTE-\d{4}-\d{5}$/);
    assert.equal(doc.owner, user);
    assert.equal(doc.tags.length, 2);
    name = doc.name;
  });

  await step('list with filters', async () => {
    const rows = await db.getDocList('Test Note', {
      fields: ['name', 'title', 'priority'],
      filters: [['priority', '>=', 5], ['code', '=', code]],
      orderBy: { field: 'creation', order: 'desc' },
      limit: 10,
    });
    assert.deepEqual(rows, [{ name, title: 'Written by frappe-js-sdk', priority: 7 }]);
    const none = await db.getDocList('Test Note', { filters: [['priority', '>', 7]] });
    assert.deepEqual(none, []);
  });

  await step('get', async () => {
    const doc = await db.getDoc('Test Note', name);
    assert.equal(doc.code, code);
    assert.deepEqual(doc.tags.map((t) => t.tag), ['sdk', 'node']);
  });

  await step('update', async () => {
    const doc = await db.updateDoc('Test Note', name, { title: 'Edited by frappe-js-sdk', priority: 3 });
    assert.equal(doc.title, 'Edited by frappe-js-sdk');
    assert.equal(doc.priority, 3);
    assert.equal((await db.getDoc('Test Note', name)).title, 'Edited by frappe-js-sdk');
  });

  await step('get_count', async () => {
    assert.equal(await db.getCount('Test Note', [['code', '=', code]]), 1);
    assert.equal(await db.getCount('Test Note', [['priority', '>', 5]]), 0);
  });

  await step('get_value', async () => {
    const value = await db.getValue('Test Note', 'title', [['name', '=', name]]);
    assert.deepEqual(value, { message: { title: 'Edited by frappe-js-sdk' } });
  });

  await step('call whitelisted method', async () => {
    assert.deepEqual(await call.get('ping'), { message: 'pong' });
    assert.deepEqual(await call.get('tests.api.whitelisted.echo', { a: 'one', b: 2 }),
      { message: { a: 'one', b: '2' } });
    assert.deepEqual(await call.post('tests.api.whitelisted.post_only', { value: 'from node' }),
      { message: 'posted from node' });
  });

  await step('validation error envelope', async () => {
    const error = await rejects(db.createDoc('Test Note', { priority: 1 }));
    assert.equal(error.httpStatus, 417);
    assert.equal(error.exc_type, 'MandatoryError');
    assert.ok(JSON.parse(error._server_messages).length >= 1);
  });

  let fileUrl;
  await step('upload_file', async () => {
    const file = new File(['hello from frappe-js-sdk\n'], 'sdk-hello.txt', { type: 'text/plain' });
    const response = await app.file().uploadFile(file, {
      isPrivate: true, doctype: 'Test Note', docname: name, fieldname: 'attachment',
    });
    const stored = response.data.message;
    assert.equal(stored.doctype, 'File');
    assert.equal(stored.file_name, 'sdk-hello.txt');
    assert.equal(stored.is_private, 1);
    assert.equal(stored.file_size, 25);
    assert.equal(stored.attached_to_doctype, 'Test Note');
    assert.equal(stored.attached_to_name, name);
    assert.match(stored.file_url, /^\/private\/files\/sdk-hello[^/]*\.txt$/);
    assert.equal((await db.getDoc('Test Note', name)).attachment, stored.file_url);
    fileUrl = stored.file_url;
  });

  await step('fetch uploaded file', async () => {
    const headers = { Authorization: `token ${token}` };
    const answer = await fetch(url + fileUrl, { headers });
    assert.equal(answer.status, 200);
    assert.equal(await answer.text(), 'hello from frappe-js-sdk\n');
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    const anonymous = await fetch(url + fileUrl);
    assert.equal(anonymous.status, 403);
  });

  await step('delete', async () => {
    const answer = await db.deleteDoc('Test Note', name);
    assert.equal(answer.data ?? answer.message, 'ok');
    const error = await rejects(db.getDoc('Test Note', name));
    assert.equal(error.httpStatus, 404);
    assert.equal(error.exc_type, 'DoesNotExistError');
    // the note's attached file went with it
    const gone = await fetch(url + fileUrl, { headers: { Authorization: `token ${token}` } });
    assert.equal(gone.status, 404);
  });

  console.log('done');
}

main().catch((error) => {
  console.log(`FAIL unexpected: ${describe(error)}`);
  process.exit(1);
});
