import { describe, expect, it } from 'vitest';
import { str } from '../otlp/model.js';
import { modelHints } from './model-hints.js';

describe('modelHints', () => {
  it("allows the words of the span's own model and provider names", () => {
    const hints = modelHints([
      { key: 'gen_ai.request.model', value: str('claude-3-5-sonnet-20241022') },
      { key: 'gen_ai.system', value: str('anthropic') },
      { key: 'user.id', value: str('Maria') },
    ]);
    expect([...(hints?.allow ?? [])].sort()).toEqual(['anthropic', 'claude', 'sonnet']);
  });

  it('is undefined when no attribute names a model', () => {
    expect(modelHints([{ key: 'user.id', value: str('Maria') }])).toBeUndefined();
  });
});
