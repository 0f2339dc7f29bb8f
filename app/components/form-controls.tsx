// Accessible form controls for the portal: every control has a visible label, its hint and
// its errors are tied to it with aria-describedby, and aria-invalid marks it when wrong.
// Errors arrive as dictionary keys (app/portal/form-error.ts) and are worded here.
import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata } from '@conform-to/react';
import type { ReactNode } from 'react';
import { useLanguage, useT } from '~/i18n/use-t';
import { errorText } from '~/portal/form-error';

// Conform's field metadata is generic over the field's type; the controls only read ids,
// errors and initial values, which are the same for every type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Meta = FieldMetadata<any, any, string[]>;

export function FieldErrors({ id, errors }: { id: string; errors?: string[] }) {
  const lang = useLanguage();
  if (!errors || errors.length === 0) return null;
  return (
    <div id={id} className="error">
      {errors.map((e) => (
        <p key={e}>{errorText(lang, e)}</p>
      ))}
    </div>
  );
}

function Label({ htmlFor, text, required }: { htmlFor: string; text: string; required?: boolean }) {
  const t = useT();
  return (
    <label htmlFor={htmlFor}>
      {text} <span className="req">{required ? t('form.required') : t('form.optional')}</span>
    </label>
  );
}

interface ControlProps {
  meta: Meta;
  label: string;
  hint?: string;
  required?: boolean;
}

export function TextField({
  meta,
  label,
  hint,
  required,
  type = 'text',
  autoComplete,
  inputMode,
}: ControlProps & { type?: 'text' | 'email' | 'tel' | 'date'; autoComplete?: string; inputMode?: 'decimal' | 'tel' | 'email' }) {
  const hintId = hint ? meta.descriptionId : undefined;
  return (
    <div className="field">
      <Label htmlFor={meta.id} text={label} required={required} />
      {hint ? (
        <p id={meta.descriptionId} className="hint">
          {hint}
        </p>
      ) : null}
      <input
        {...getInputProps(meta, { type, ariaDescribedBy: hintId })}
        key={meta.key}
        autoComplete={autoComplete}
        inputMode={inputMode}
      />
      <FieldErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

export function TextAreaField({ meta, label, hint, required, rows }: ControlProps & { rows?: number }) {
  const hintId = hint ? meta.descriptionId : undefined;
  return (
    <div className="field">
      <Label htmlFor={meta.id} text={label} required={required} />
      {hint ? (
        <p id={meta.descriptionId} className="hint">
          {hint}
        </p>
      ) : null}
      <textarea {...getTextareaProps(meta, { ariaDescribedBy: hintId })} key={meta.key} rows={rows} />
      <FieldErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

export function SelectField({
  meta,
  label,
  hint,
  required,
  placeholder,
  options,
}: ControlProps & { placeholder: string; options: { value: string; label: string }[] }) {
  const hintId = hint ? meta.descriptionId : undefined;
  return (
    <div className="field">
      <Label htmlFor={meta.id} text={label} required={required} />
      {hint ? (
        <p id={meta.descriptionId} className="hint">
          {hint}
        </p>
      ) : null}
      <select {...getSelectProps(meta, { ariaDescribedBy: hintId })} key={meta.key}>
        <option value="">{placeholder}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

export function FileField({ meta, label, hint }: ControlProps) {
  const hintId = hint ? meta.descriptionId : undefined;
  return (
    <div className="field">
      <Label htmlFor={meta.id} text={label} />
      {hint ? (
        <p id={meta.descriptionId} className="hint">
          {hint}
        </p>
      ) : null}
      <input
        {...getInputProps(meta, { type: 'file', ariaDescribedBy: hintId })}
        key={meta.key}
        multiple
        accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
      />
      <FieldErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

export function CheckboxField({ meta, label }: ControlProps) {
  return (
    <div className="field checkbox">
      <input {...getInputProps(meta, { type: 'checkbox' })} key={meta.key} /> <label htmlFor={meta.id}>{label}</label>
      <FieldErrors id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

/** Said once at the top when the server sent the form back, so a screen reader hears it. */
export function ErrorSummary({ show, children }: { show: boolean; children?: ReactNode }) {
  const t = useT();
  if (!show) return null;
  return (
    <div className="form-error" role="alert">
      <p>{t('form.errors.summary')}</p>
      {children}
    </div>
  );
}
