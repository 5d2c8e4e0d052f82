/* Order System page: plain browser JavaScript, no build step. */
/* global document, fetch */
'use strict';

(function () {
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
  const $ = (id) => document.getElementById(id);

  /** Calls the API; resolves with {ok, status, body} (body is the parsed JSON, or null). */
  async function api(method, path, json) {
    const init = { method, headers: { accept: 'application/json' } };
    if (json !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(json);
    }
    const res = await fetch(path, init);
    const text = await res.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = { detail: text };
    }
    return { ok: res.ok, status: res.status, body };
  }

  /** A readable message from an error answer: {"detail": "..."} or a 422 list of issues. */
  function errorMessage(res) {
    const detail = res.body && res.body.detail;
    if (typeof detail === 'string') return detail;
    if (Array.isArray(detail)) {
      return detail.map((issue) => `${(issue.loc || []).filter((part) => part !== 'body').join('.')}: ${issue.msg}`).join('; ');
    }
    return `Request failed with HTTP ${res.status}`;
  }

  function formatMoney(value) {
    return typeof value === 'number' ? money.format(value) : '—';
  }

  function formatDate(value) {
    if (!value) return '—';
    // The API sends naive UTC timestamps (2026-11-23T10:11:12.345000).
    const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
    return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
  }

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function replaceRows(tbody, rows, emptyText, columns) {
    tbody.replaceChildren();
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      tr.className = 'empty';
      const td = cell(emptyText);
      td.colSpan = columns;
      tr.append(td);
      tbody.append(tr);
      return;
    }
    tbody.append(...rows);
  }

  function showLoadError(message) {
    const box = $('load-error');
    box.textContent = message;
    box.hidden = !message;
  }

  async function loadProducts() {
    const res = await api('GET', '/api/products');
    if (!res.ok) throw new Error(`Could not load products: ${errorMessage(res)}`);
    const products = res.body;

    const rows = products.map((product) => {
      const tr = document.createElement('tr');
      tr.dataset.testid = `product-row-${product.id}`;
      tr.dataset.productId = String(product.id);
      const name = cell(product.name, 'name');
      if (product.description) name.title = product.description;
      const stock = cell(String(product.stock), product.stock === 0 ? 'num out-of-stock' : 'num');
      stock.dataset.testid = 'product-stock';
      const price = cell(formatMoney(product.price), 'num');
      price.dataset.testid = 'product-price';
      tr.append(name, price, stock);
      return tr;
    });
    replaceRows($('products-table').tBodies[0], rows, 'No products', 3);

    const select = $('product-select');
    const selected = select.value;
    select.replaceChildren(
      ...products.map((product) => {
        const option = document.createElement('option');
        option.value = String(product.id);
        option.textContent = `${product.name} — ${formatMoney(product.price)}`;
        return option;
      }),
    );
    if (selected && products.some((product) => String(product.id) === selected)) select.value = selected;
  }

  async function loadOrders() {
    const res = await api('GET', '/api/orders');
    if (!res.ok) throw new Error(`Could not load orders: ${errorMessage(res)}`);
    const rows = res.body.map((order) => {
      const tr = document.createElement('tr');
      tr.dataset.testid = `order-row-${order.id}`;
      tr.dataset.orderId = String(order.id);
      tr.dataset.status = order.status;
      const status = document.createElement('td');
      const badge = document.createElement('span');
      badge.className = `badge badge-${order.status}`;
      badge.textContent = order.status;
      badge.dataset.testid = 'order-status';
      status.append(badge);
      const total = cell(formatMoney(order.total), 'num');
      total.dataset.testid = 'order-total';
      tr.append(
        cell(`#${order.id}`, 'num'),
        cell(order.product_name || `Product ${order.product_id}`),
        cell(String(order.quantity), 'num'),
        cell(formatMoney(order.unit_price), 'num'),
        total,
        status,
        cell(formatDate(order.created_at)),
      );
      return tr;
    });
    replaceRows($('orders-table').tBodies[0], rows, 'No orders yet', 7);
  }

  let refreshes = 0;

  async function refresh() {
    const results = await Promise.allSettled([loadProducts(), loadOrders()]);
    const errors = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)));
    showLoadError(errors.join(' '));
    // Shows when the page has caught up (handy for browser tests): <body data-refreshes="3">.
    refreshes += 1;
    document.body.dataset.refreshes = String(refreshes);
  }

  function showResult(kind, message) {
    const result = $('order-result');
    const error = $('order-error');
    result.hidden = kind !== 'result';
    error.hidden = kind !== 'error';
    (kind === 'result' ? result : error).textContent = message;
  }

  async function placeOrder(event) {
    event.preventDefault();
    const button = $('place-order');
    const quantityText = $('quantity').value.trim();
    const payload = {
      product_id: Number($('product-select').value),
      quantity: /^\d+$/.test(quantityText) ? Number(quantityText) : quantityText,
    };
    button.disabled = true;
    try {
      const res = await api('POST', '/api/orders', payload);
      if (res.ok) {
        const order = res.body;
        showResult('result', `Order #${order.id} ${order.status} — total ${formatMoney(order.total)}`);
      } else {
        showResult('error', errorMessage(res));
      }
    } catch (err) {
      showResult('error', `Could not place the order: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      button.disabled = false;
    }
    await refresh();
  }

  $('order-form').addEventListener('submit', (event) => {
    void placeOrder(event);
  });
  void refresh();
})();
