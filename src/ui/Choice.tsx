import { useRef } from 'react';

/** A labelled drop-down over a fixed list of [value, label] pairs; the one way panels offer a choice. A choice made
 * with the mouse gives the focus back to the page, so the viewer's letter shortcuts work at once (and a letter
 * cannot retarget the dropdown); one made with the keyboard keeps it, so arrows go on moving through the options. */
export function Choice<T extends string | number>(props: {
  label: string;
  ariaLabel?: string;
  title?: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
  disabled?: boolean;
}) {
  const { label, ariaLabel = label, title, value, options, onChange, disabled } = props;
  const byPointer = useRef(false);
  return (
    <label title={title}>
      {label}{' '}
      <select
        aria-label={ariaLabel}
        value={String(value)}
        disabled={disabled}
        onPointerDown={() => (byPointer.current = true)}
        onKeyDown={() => (byPointer.current = false)}
        onChange={(e) => {
          onChange(options.find(([v]) => String(v) === e.target.value)![0]);
          if (byPointer.current) e.currentTarget.blur();
        }}
      >
        {options.map(([v, text]) => (
          <option key={String(v)} value={String(v)}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
