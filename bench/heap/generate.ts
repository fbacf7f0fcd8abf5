// Writes two heap snapshots of a synthetic service, deterministically: "before" with a catalogue
// of records, "after" with more records held in a growing cache and some old ones dropped — the
// shape of a leak a diff should find. Run as: node --expose-gc generate.ts <outDir> <records>
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';

const [outDir, recordsArg] = process.argv.slice(2);
const records = Number(recordsArg);
if (!outDir || !Number.isInteger(records) || records <= 0) {
  console.error('usage: node --expose-gc generate.ts <outDir> <records>');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

// A small seeded PRNG (mulberry32) so every run builds the same heap.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

class Customer {
  id: string;
  tier: number;
  constructor(id: string, tier: number) {
    this.id = id;
    this.tier = tier;
  }
}
class OrderLine {
  sku: string;
  qty: number;
  price: number;
  constructor(sku: string, qty: number, price: number) {
    this.sku = sku;
    this.qty = qty;
    this.price = price;
  }
}
class Order {
  id: string;
  customer: Customer;
  lines: OrderLine[];
  meta: Record<string, string | number>;
  constructor(id: string, customer: Customer, n: number) {
    this.id = id;
    this.customer = customer;
    this.lines = [];
    for (let i = 0; i < n; i++)
      this.lines.push(new OrderLine(`sku-${Math.floor(random() * 50_000)}`, 1 + (i % 4), random() * 100));
    this.meta = { source: random() < 0.5 ? 'web' : 'api', note: `order ${id} note ${Math.floor(random() * 1e6)}` };
  }
}

const customers: Customer[] = [];
for (let i = 0; i < Math.max(10, records / 20); i++) customers.push(new Customer(`c-${i}`, i % 3));
const catalogue = new Map<string, Order>();
const listeners: (() => number)[] = [];
function addOrders(from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const order = new Order(`o-${i}`, customers[i % customers.length]!, 1 + Math.floor(random() * 4));
    catalogue.set(order.id, order);
    if (i % 50 === 0) listeners.push(() => order.lines.length);
  }
}
(globalThis as Record<string, unknown>).benchState = { catalogue, customers, listeners };

addOrders(0, records);
gc();
gc();
const before = writeHeapSnapshot(join(outDir, 'before.heapsnapshot'));
// The "leak": 10% more orders; a few old ones are evicted, so the diff has deletions too.
addOrders(records, Math.floor(records * 1.1));
for (let i = 0; i < records / 100; i++) catalogue.delete(`o-${i * 7}`);
gc();
gc();
const after = writeHeapSnapshot(join(outDir, 'after.heapsnapshot'));
process.stdout.write(JSON.stringify({ before, after }));
