import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A uPlot chart that is rebuilt when its options or data change (charts here are tiny, so rebuilding is cheap). */
export function Chart({ options, data, label }: { options: Omit<uPlot.Options, 'width'>; data: uPlot.AlignedData; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const plot = new uPlot({ ...options, width: Math.max(200, el.clientWidth) }, data, el);
    return () => plot.destroy();
  }, [options, data]);
  return <div className="chart" ref={ref} role="img" aria-label={label} />;
}
