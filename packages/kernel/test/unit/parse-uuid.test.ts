import { InvalidInputError, ParseUuid } from '../../src/index.js';

const pipe = new ParseUuid();
const param = { type: 'param' as const, data: 'id' };

it('hands on a UUID in any letter case as its canonical lower case', () => {
  expect(pipe.transform('6F9619FF-8B86-D011-B42D-00C04FC964FF', param)).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff');
  expect(pipe.transform('6f9619ff-8b86-d011-b42d-00c04fc964ff', param)).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff');
});

it.each(['123', '', '6f9619ff8b86d011b42d00c04fc964ff', '6f9619ff-8b86-d011-b42d-00c04fc964ffx', '{6f9619ff-8b86-d011-b42d-00c04fc964ff}'])(
  'refuses %j as invalid input naming the parameter',
  (value) => {
    expect(() => pipe.transform(value, param)).toThrow(new InvalidInputError('id must be a UUID.'));
    try {
      pipe.transform(value, param);
    } catch (error) {
      expect((error as InvalidInputError).details).toEqual({ errors: [{ field: 'id', message: 'id must be a UUID' }] });
    }
  },
);
