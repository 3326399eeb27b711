/**
 * PERSON table test: positives across cultures, scripts and forms, and near-miss negatives (places,
 * companies, products, AI models, weekdays, months, capitalised common words, headings, code).
 * Run through the full scanner, as policies enable it.
 */
import { describe, expect, it } from 'vitest';
import { builtinDetectors, createScanner } from '../index.js';

const scanner = createScanner(builtinDetectors(['PERSON']));
const names = (text: string, allow?: string[]): string[] =>
  scanner.scan(text, allow ? { allow: new Set(allow) } : undefined).map((f) => text.slice(f.start, f.end));

const positives: [string, string[]][] = [
  ["Hi, I'm Maria Smith. Please update my card.", ['Maria Smith']],
  ['Customer Sofia Brown called from the front desk', ['Sofia Brown']],
  ['Ask Grace to review the PR, then Bill can merge.', ['Grace', 'Bill']],
  ['Paris Hilton and Will Smith met Grace Hopper', ['Paris Hilton', 'Will Smith', 'Grace Hopper']],
  ['Best regards,\nAmara Okafor', ['Amara Okafor']],
  ['Thanks,\n\nChidi', ['Chidi']],
  ['thanks priya!', ['priya']],
  ['hey maria garcia, can you check', ['maria garcia']],
  ['JOHN SMITH called about the invoice', ['JOHN SMITH']],
  ['Dear Dr. Nakamura, Mr Brown asked too.', ['Nakamura', 'Brown']],
  ['Ludwig van Beethoven and J. R. Okafor', ['Ludwig van Beethoven', 'J. R. Okafor']],
  ['my name is chidinma', ['chidinma']],
  ['This is Ngozi from accounts', ['Ngozi']],
  ['Kwame Mensah joined; later Kwame left', ['Kwame Mensah', 'Kwame']],
  ['Meeting with Aisha Bello on Monday', ['Aisha Bello']],
  ['Иван Петров написал письмо', ['Иван Петров']],
  ['محمد أحمد وصل', ['محمد أحمد']],
  ['Nguyễn Văn An gửi', ['Nguyễn Văn An']],
  ['Kim Min-jun and Park Ji-hoon', ['Kim Min-jun', 'Park Ji-hoon']],
  ['我叫王伟，张伟先生明天来。', ['王伟', '张伟']],
  ['김민준 씨에게 연락하세요', ['김민준']],
  ['田中太郎さんと会いました', ['田中太郎']],
  ['{"name": "get_weather", "author": "Chidi Okonkwo", "customer": "Wang Wei"}', ['Chidi Okonkwo', 'Wang Wei']],
  ['author: Lwazi Dlamini\nversion: 1.2.0', ['Lwazi Dlamini']],
  ['<customer><name>Oluwaseun Adeyemi</name></customer>', ['Oluwaseun Adeyemi']],
  ['customer="Tendai Moyo" action=login user=maria', ['Tendai Moyo', 'maria']],
  ['Signed-off-by: Jane Doe <jane@example.com>', ['Jane Doe']],
  ['From: Ngozi Eze <ngozi@example.org>', ['Ngozi Eze']],
  ['id,name,phone\n17,Sofia Ivanova,691\n18,Chidi Eze,555', ['Sofia Ivanova', 'Chidi Eze']],
  ['# TODO(jdoe): remove', ['jdoe']],
  ['File "/home/maria.garcia/app.py", line 3', ['maria.garcia']],
  ['C:\\Users\\Priya.Patel\\AppData', ['Priya.Patel']],
];

const negatives: string[] = [
  'Grace period is 30 days. Bill payment failed. Mark the item as done.',
  'We flew to Austin and then Florence in May.',
  'Claude Sonnet and Gemini Pro and Llama Guard are models; Mistral Large too.',
  'Dear Customer, Hi team, Hello World, Thanks again',
  'The Washington Post, New York Times and Apple Inc reported',
  'Release Notes: Customer Support Team Updates',
  'Meeting on Monday, January 5 in San Francisco at the Google office',
  'Deploy to Kubernetes with Helm, then check Grafana and Jenkins',
  'written in Python, Julia and Rust; hosted on Vercel',
  'Call me on +1 415 555 0100 or later',
  '{"name": "get_weather", "description": "Weather Tool"}',
  'user=svc_reporting owner: platform-team',
  'const userName = getUser(id); maria_id = 3',
  'The Ford Motor Company and Dell Technologies',
  'I am happy to help; I\'m fine.',
  'Visit Sofia, Bulgaria or Jordan next spring',
  'model=claude-3-5-sonnet-20241022 provider=anthropic',
  'ERROR TIMEOUT IN UPSTREAM SERVICE',
];

describe('PERSON', () => {
  it.each(positives)('%j', (input, expected) => {
    expect(names(input)).toEqual(expected);
  });

  it.each(negatives)('keeps %j', (input) => {
    expect(names(input)).toEqual([]);
  });

  it("never takes the span's own model or provider for a person", () => {
    expect(names('Ask Priya about it', ['priya'])).toEqual([]);
    expect(names('Ask Priya about it')).toEqual(['Priya']);
  });
});
