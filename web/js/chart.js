// A small bar chart of priority coverage per day-part, as plain SVG.

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

/** `parts` is [{code, label, share (0..1)}]; the bar of `selected` is highlighted. */
export function dayPartChart(parts, selected) {
  const barW = 44;
  const gap = 10;
  const h = 110;
  const top = 16;
  const bottom = 30;
  const w = parts.length * (barW + gap) + gap;
  const chart = svg('svg', {
    class: 'chart', width: w, height: h, viewBox: `0 0 ${w} ${h}`, role: 'img',
    'aria-label': `Priority coverage per day-part: ${parts.map((p) => `${p.label} ${Math.round(p.share * 100)} %`).join(', ')}`,
  });
  const plot = h - top - bottom;
  chart.append(svg('line', { x1: 0, x2: w, y1: top + plot, y2: top + plot, stroke: '#888' }));
  parts.forEach((p, i) => {
    const share = Math.max(0, Math.min(1, p.share || 0));
    const x = gap + i * (barW + gap);
    const bh = share * plot;
    chart.append(svg('rect', {
      x, y: top + plot - bh, width: barW, height: bh, class: p.code === selected ? 'bar selected' : 'bar',
      'data-code': p.code,
    }));
    chart.append(svg('text', { x: x + barW / 2, y: top + plot - bh - 3, 'text-anchor': 'middle', class: 'bar-value' },
      `${Math.round(share * 100)}%`));
    chart.append(svg('text', { x: x + barW / 2, y: h - 12, 'text-anchor': 'middle', class: 'bar-label' },
      p.label.length > 9 ? `${p.label.slice(0, 8)}…` : p.label));
  });
  return chart;
}
