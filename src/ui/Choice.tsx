/** A labelled drop-down over a fixed list of [value, label] pairs; the one way panels offer a choice. */
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
  return (
    <label title={title}>
      {label}{' '}
      <select
        aria-label={ariaLabel}
        value={String(value)}
        disabled={disabled}
        onChange={(e) => onChange(options.find(([v]) => String(v) === e.target.value)![0])}
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
