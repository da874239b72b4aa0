/** Name pools for the seeded user generator. */

export const FIRST_NAMES = [
  'Isaac', 'Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances',
  'Edsger', 'Radia', 'Tim', 'Katherine', 'Donald', 'Hedy', 'John', 'Shafi', 'Leslie', 'Sophie',
  'Niklaus', 'Anita', 'Guido', 'Joan', 'Bjarne', 'Mary', 'James', 'Karen', 'Robert', 'Lynn',
  'Whitfield', 'Jean', 'Vint', 'Adele', 'Butler', 'Susan', 'Ivan', 'Evelyn', 'Yukihiro', 'Carol',
  'Brian', 'Elena', 'Marco', 'Priya', 'Omar', 'Chen', 'Fatima', 'Lars', 'Amara', 'Diego',
] as const;

export const LAST_NAMES = [
  'Brock', 'Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen',
  'Dijkstra', 'Perlman', 'Lee', 'Johnson', 'Knuth', 'Lamarr', 'McCarthy', 'Goldwasser', 'Lamport', 'Wilson',
  'Wirth', 'Borg', 'Rossum', 'Clarke', 'Stroustrup', 'Keller', 'Gosling', 'Jones', 'Kahn', 'Conway',
  'Diffie', 'Sammet', 'Cerf', 'Goldberg', 'Lampson', 'Kare', 'Sutherland', 'Berezin', 'Matsumoto', 'Shaw',
  'Kernighan', 'Garcia', 'Rossi', 'Patel', 'Haddad', 'Wang', 'Khan', 'Nilsson', 'Okafor', 'Silva',
] as const;
