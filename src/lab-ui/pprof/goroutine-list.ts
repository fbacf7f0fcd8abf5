// Goroutines grouped by stack, largest group first, as `/debug/pprof/goroutine?debug=1` lists them:
// the count, what the group waits for, where in the lab's code, and the whole stack on demand.
import { shortFile, type GoroutineGroups } from '../../pprof/index.ts';
import { h } from '../dom.ts';

const MAX_GROUPS = 200;

export function renderGoroutines(groups: GoroutineGroups, signed: boolean): HTMLElement {
  if (groups.groups.length === 0)
    return h(
      'p',
      { class: 'lab-muted' },
      signed ? 'The same goroutines, stack for stack, in both profiles.' : 'No goroutines.',
    );
  const count = (n: number) => (signed && n > 0 ? `+${n}` : n < 0 ? `−${-n}` : String(n));
  const items = groups.groups
    .slice(0, MAX_GROUPS)
    .map((g) =>
      h(
        'li',
        { class: 'pp-g' },
        h(
          'details',
          {},
          h(
            'summary',
            {},
            h('span', { class: `pp-g-count ${signed ? (g.count > 0 ? 'pp-up' : 'pp-down') : ''}` }, count(g.count)),
            h('span', { class: 'pp-g-wait' }, g.waiting ?? 'running'),
            h(
              'span',
              { class: 'pp-g-where', title: g.where ? `${g.where.name}\n${g.where.file}:${g.where.line}` : '' },
              g.where?.name ?? '?',
              g.where?.file ? h('small', {}, ` ${shortFile(g.where.file)}:${g.where.line}`) : null,
            ),
          ),
          h(
            'ol',
            { class: 'pp-stack' },
            ...g.frames.map((f) => h('li', {}, f.name, f.file ? h('small', {}, ` ${f.file}:${f.line}`) : null)),
          ),
        ),
      ),
    );
  const head = signed
    ? `${count(groups.total)} goroutines in ${groups.groups.length} stacks that changed`
    : `${groups.total} goroutines in ${groups.groups.length} stacks`;
  return h(
    'div',
    { class: 'pp-goroutines' },
    h('p', { class: 'pp-note' }, head),
    h('ol', { class: 'pp-g-list', 'aria-label': 'Goroutines grouped by stack' }, ...items),
  );
}
