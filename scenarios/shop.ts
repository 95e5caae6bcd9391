/**
 * An online shop with several kinds of users: the main Locust constructs in one file.
 *
 *   bench run scenarios/shop.ts -H http://127.0.0.1:8080 -u 20 -r 5 -t 1m --out results
 *   bench run scenarios/shop.ts -H http://127.0.0.1:8080 --tags checkout      # only the buying tasks
 *   bench run scenarios/shop.ts -H http://127.0.0.1:8080 --user-classes Browser
 *
 * The target is expected to serve: POST /login, GET /items, GET /items/:id,
 * POST /cart (409 when the item is sold out), POST /checkout, GET /admin/stats.
 */
import { HttpUser, SequentialTaskSet, StopUser, TaskSet, between, check, constant, counter, tag, task } from 'volley';

/** Run once before any user starts; what it returns is every user's `this.data`. */
export async function setup() {
  return { itemIds: [1, 2, 3, 4, 5, 6, 7, 8], coupon: 'SPRING' };
}

/** Run once after every user has stopped, with what setup() returned. */
export async function teardown() {
  // e.g. delete the test accounts made by setup()
}

interface ShopData {
  itemIds: number[];
  coupon: string;
}

/** Pick a random element, reproducibly with --seed (this.random is seeded per user). */
function pick<T>(items: T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Looks at items one after another until it leaves, as a browsing person does. */
class Catalogue extends TaskSet {
  @task(4) async item() {
    const id = pick((this.data as ShopData).itemIds, () => this.user.random());
    // All /items/<id> requests are grouped under one row of the statistics.
    await this.client.get(`/items/${id}`, { name: '/items/[id]' });
  }

  @task(1) async leave() {
    this.interrupt();
  }
}

/**
 * Checkout is a fixed sequence: cart, then pay, then back to the user's other tasks.
 * `static tags` tags every task of the set, so `--tags checkout` selects it.
 */
class Checkout extends SequentialTaskSet {
  static tags = ['checkout'];

  @task async addToCart() {
    const id = pick((this.data as ShopData).itemIds, () => this.user.random());
    const res = await this.client.post('/cart', { json: { id }, name: '/cart (add)' });
    // Sold out: this user gives up for good (onStop still runs).
    if (res.status === 409) throw new StopUser();
  }

  @task async pay() {
    // catchResponse: decide yourself whether the response is a success.
    const res = await this.client.post('/checkout', { json: { coupon: (this.data as ShopData).coupon }, catchResponse: true });
    if (res.status === 200 && res.text().includes('"paid":true')) res.success();
    else res.failure(`payment not confirmed (HTTP ${res.status})`);
    counter('orders');
    this.interrupt();
  }
}

/** Three of every five users: logs in, browses a lot, sometimes buys. */
export class Shopper extends HttpUser {
  static weight = 3;
  waitTime = between(0.5, 2);

  // Task sets are tasks too, with a weight: the user enters one and stays until interrupt().
  // They add to the @task methods below.
  static tasks = [
    [Catalogue, 2],
    [Checkout, 1],
  ];

  async onStart() {
    const res = await this.client.post('/login', { json: { user: `shopper-${this.userId}` } });
    check(res, { 'login succeeded': (r) => r.status === 200 });
  }

  @task(3) async home() {
    const res = await this.client.get('/items', { query: { page: 1 } });
    check(res, { 'items listed': (r) => r.status === 200 });
  }

  async onStop() {
    // A 404 is fine: not every shop has a logout.
    await this.client.post('/logout', { okStatuses: [404] });
  }
}

/** One of every five users: only looks around, never logs in. */
export class Browser extends HttpUser {
  static weight = 1;
  waitTime = between(1, 3);
  static tasks = [Catalogue];
}

/** Exactly one, however many users run: an admin polling a dashboard every 5 s. */
export class Admin extends HttpUser {
  static fixedCount = 1;
  waitTime = constant(5);

  @tag('admin')
  @task
  async stats() {
    // A 404 is fine here: not every shop has the dashboard.
    await this.client.get('/admin/stats', { okStatuses: [404] });
  }
}

/** Buyers go straight to the checkout sequence, over and over. */
export class Buyer extends HttpUser {
  static weight = 1;
  waitTime = between(1, 2);
  static tasks = [Checkout];
}
