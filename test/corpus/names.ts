/**
 * Person names for the detection-breadth corpus, written by hand per culture group (common given
 * names and surnames as they appear in public name statistics; facts, not copied lists). They are
 * deliberately NOT drawn from the detector's lexicon sources, so the corpus measures how the PERSON
 * detector does on names it may not list: the generator reports recall separately for names whose
 * words are in the lexicon and for those that are not.
 */

export interface CultureNames {
  group: string;
  first: readonly string[];
  last: readonly string[];
  /** Family name first (Chinese, Korean, Japanese, Hungarian, Vietnamese) when written in full. */
  familyFirst?: boolean;
  /** Written without a space between family and given name (Han, Hangul, Kana). */
  joined?: boolean;
}

export const CULTURES: readonly CultureNames[] = [
  { group: 'anglo', first: ['Oliver', 'Amelia', 'Harriet', 'Declan', 'Bridget', 'Rhys', 'Imogen', 'Callum', 'Tamsin', 'Hollis', 'Marlowe', 'Ellery'], last: ['Thornbury', 'Whitlock', 'Ashworth', 'Pemberton', 'Fairweather', 'Haddock', 'Blackwood', 'Ramsbottom', 'Cresswell', 'Kingsley', 'Otterburn', 'Wolstenholme'] },
  { group: 'hispanic', first: ['Alejandro', 'Ximena', 'Guadalupe', 'Rodrigo', 'Itzel', 'Esteban', 'Yolanda', 'Iñaki', 'Araceli', 'Fernando', 'Maite', 'Leocadio'], last: ['Villaseñor', 'Echeverría', 'Zamudio', 'Arrieta', 'Quintanilla', 'Betancourt', 'Olmedo', 'Iturbide', 'Carvajal', 'Urquiza', 'Sandoval', 'Barrientos'] },
  { group: 'lusophone', first: ['Joaquim', 'Conceição', 'Thiago', 'Iolanda', 'Raimundo', 'Leocádia', 'Gonçalo', 'Jussara', 'Everaldo', 'Marisa'], last: ['Magalhães', 'Figueiredo', 'Assunção', 'Brandão', 'Vasconcelos', 'Quaresma', 'Sampaio', 'Penteado', 'Cordeiro', 'Valadares'] },
  { group: 'french', first: ['Anaïs', 'Théo', 'Ségolène', 'Benoît', 'Maëlys', 'Gaspard', 'Solène', 'Aurélien', 'Clémence', 'Thibault'], last: ['Dubois-Lefèvre', 'Marchand', 'Rousseau', 'Beaumont', 'Vautrin', 'Delacroix', 'Lemaire', 'Chauvin', 'Fontaine', 'Giraudeau'] },
  { group: 'german', first: ['Jörg', 'Annegret', 'Wolfgang', 'Friederike', 'Lukas', 'Hannelore', 'Detlef', 'Mareike', 'Siegfried', 'Ulrike'], last: ['Schöttle', 'Riedmüller', 'Hoffmann', 'Brandstätter', 'Kretschmer', 'Oberländer', 'Wiesinger', 'Pfeiffer', 'Zimmermann', 'Grünewald'] },
  { group: 'italian', first: ['Gianluca', 'Benedetta', 'Salvatore', 'Ludovica', 'Pierpaolo', 'Ornella', 'Vittorio', 'Concetta', 'Raffaele', 'Donatella'], last: ['Buonarroti', 'Esposito', 'Santangelo', 'Ricciardi', 'Lombardo', 'Mancuso', 'Capodanno', 'Scarpelli', 'Ferraioli', 'Quattrocchi'] },
  { group: 'slavic', first: ['Dmitri', 'Yekaterina', 'Bogdan', 'Zofia', 'Miroslav', 'Ludmila', 'Wojciech', 'Svetlana', 'Radoslav', 'Agnieszka'], last: ['Vasilyev', 'Kowalczyk', 'Dvořák', 'Nowakowska', 'Zhukov', 'Wiśniewski', 'Horváthová', 'Petrenko', 'Kuznetsova', 'Jankowski'] },
  { group: 'cyrillic', first: ['Дмитрий', 'Екатерина', 'Алексей', 'Ольга', 'Сергей', 'Наталья', 'Андрей', 'Татьяна'], last: ['Смирнов', 'Кузнецова', 'Попов', 'Соколова', 'Лебедев', 'Новикова', 'Морозов', 'Волкова'] },
  { group: 'nordic', first: ['Sigrid', 'Henrik', 'Astrid', 'Bjørn', 'Ingeborg', 'Leif', 'Solveig', 'Eero', 'Ragnhild', 'Aksel'], last: ['Haugland', 'Lindqvist', 'Søndergaard', 'Virtanen', 'Bergström', 'Halvorsen', 'Mäkinen', 'Kristiansen', 'Øvergaard', 'Sandberg'] },
  { group: 'arabic', first: ['Khalid', 'Yasmin', 'Tariq', 'Noor', 'Abdullah', 'Layla', 'Hamza', 'Rania', 'Youssef', 'Salma'], last: ['Al-Farsi', 'Haddad', 'El-Masry', 'Qureshi', 'Al-Rashid', 'Nasrallah', 'Bakr', 'Khoury', 'Mansour', 'Al-Zahrani'] },
  { group: 'arabic-script', first: ['خالد', 'ياسمين', 'طارق', 'ليلى', 'حمزة', 'سلمى'], last: ['الفارسي', 'حداد', 'المصري', 'منصور', 'الرشيد', 'خوري'] },
  { group: 'persian-turkish', first: ['Dariush', 'Shirin', 'Kourosh', 'Parisa', 'Emre', 'Elif', 'Burak', 'Zeynep', 'Mehmet', 'Ayşe'], last: ['Tehrani', 'Farahani', 'Moradi', 'Karimi', 'Yılmaz', 'Öztürk', 'Kaya', 'Demirci', 'Şahin', 'Aydın'] },
  { group: 'indian', first: ['Arjun', 'Priyanka', 'Venkatesh', 'Lakshmi', 'Siddharth', 'Ananya', 'Rajesh', 'Kavitha', 'Harpreet', 'Deepika'], last: ['Subramanian', 'Chatterjee', 'Raghunathan', 'Deshpande', 'Iyer', 'Bhattacharya', 'Gill', 'Reddy', 'Kulkarni', 'Venkataraman'] },
  { group: 'devanagari', first: ['अर्जुन', 'प्रियंका', 'राहुल', 'सुनीता', 'विकास', 'अंजलि'], last: ['शर्मा', 'वर्मा', 'गुप्ता', 'सिंह', 'कुमार', 'पटेल'] },
  { group: 'chinese', first: ['Wei', 'Xiaoling', 'Jianguo', 'Mei', 'Zhiwei', 'Yuxuan', 'Haoran', 'Jing', 'Xiuying', 'Zihan'], last: ['Wang', 'Zhang', 'Liu', 'Chen', 'Huang', 'Zhou', 'Xu', 'Zhao', 'Lin', 'Guo'], familyFirst: true },
  { group: 'han', first: ['伟', '秀英', '建国', '丽娟', '志强', '海燕', '俊杰', '静'], last: ['王', '李', '张', '刘', '陈', '杨', '赵', '黄'], familyFirst: true, joined: true },
  { group: 'korean', first: ['Min-jun', 'Seo-yeon', 'Ji-hoon', 'Ha-eun', 'Do-yun', 'Su-bin', 'Jae-won', 'Ye-jin'], last: ['Kim', 'Lee', 'Park', 'Choi', 'Jung', 'Kang', 'Yoon', 'Han'], familyFirst: true },
  { group: 'hangul', first: ['민준', '서연', '지훈', '하은', '도윤', '수빈', '재원', '예진'], last: ['김', '이', '박', '최', '정', '강', '윤', '한'], familyFirst: true, joined: true },
  { group: 'japanese', first: ['Haruto', 'Yui', 'Sota', 'Hina', 'Ren', 'Aoi', 'Takumi', 'Sakura', 'Kenta', 'Misaki'], last: ['Takahashi', 'Watanabe', 'Yamamoto', 'Kobayashi', 'Nakamura', 'Yoshida', 'Matsumoto', 'Inoue', 'Kimura', 'Hayashi'] },
  { group: 'kanji', first: ['太郎', '花子', '翔太', '美咲', '健一', '陽菜'], last: ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺'], familyFirst: true, joined: true },
  { group: 'vietnamese', first: ['Minh', 'Thảo', 'Quang', 'Lan', 'Tuấn', 'Hương', 'Duc', 'Ngoc'], last: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi'], familyFirst: true },
  { group: 'west-african', first: ['Oluwaseun', 'Chiamaka', 'Kwabena', 'Adaeze', 'Babajide', 'Efua', 'Chukwuemeka', 'Folasade', 'Kofi', 'Ngozi'], last: ['Adebayo', 'Okonkwo', 'Mensah', 'Nwachukwu', 'Oyelaran', 'Asante', 'Eze', 'Ogunleye', 'Boateng', 'Chukwu'] },
  { group: 'east-south-african', first: ['Wanjiru', 'Thabo', 'Amani', 'Nomvula', 'Baraka', 'Zanele', 'Otieno', 'Sipho', 'Neema', 'Lindiwe'], last: ['Kamau', 'Dlamini', 'Odhiambo', 'Nkosi', 'Mwangi', 'Khumalo', 'Njoroge', 'Mahlangu', 'Wekesa', 'Zulu'] },
  { group: 'hebrew-greek', first: ['Yael', 'Avraham', 'Tamar', 'Eitan', 'Nikolaos', 'Eleni', 'Dimitrios', 'Katerina'], last: ['Ben-David', 'Friedman', 'Mizrahi', 'Katz', 'Papadopoulos', 'Georgiou', 'Konstantinidis', 'Pappas'] },
];

/**
 * Look-alikes a PERSON detector must leave alone: places that are also names, companies, products,
 * AI models, weekdays and months, each with a sentence that uses it as what it is.
 */
export const LOOK_ALIKES: readonly { value: string; kind: string; text: string }[] = [
  { value: 'Austin', kind: 'place', text: 'Our new office in Austin opens next quarter.' },
  { value: 'Florence', kind: 'place', text: 'We flew from Florence to Rome for the conference.' },
  { value: 'Jordan', kind: 'place', text: 'Shipping to Jordan takes about ten days.' },
  { value: 'Georgia', kind: 'place', text: 'The warehouse is based in Georgia, near Atlanta.' },
  { value: 'Victoria', kind: 'place', text: 'The ferry to Victoria leaves at noon.' },
  { value: 'Charlotte', kind: 'place', text: 'Flights to Charlotte were cancelled because of the storm.' },
  { value: 'Madison', kind: 'place', text: 'She moved to Madison for the new job.' },
  { value: 'Santiago', kind: 'place', text: 'The Santiago data centre had an outage.' },
  { value: 'Paris', kind: 'place', text: 'Latency from Paris is higher than from Frankfurt.' },
  { value: 'Lincoln', kind: 'place', text: 'The Lincoln branch closes at five.' },
  { value: 'Ford', kind: 'company', text: 'Ford reported higher truck sales this quarter.' },
  { value: 'Dell', kind: 'company', text: 'Order three Dell laptops for the new hires.' },
  { value: 'Tesla', kind: 'company', text: 'Compare the Tesla and BYD battery warranties.' },
  { value: 'Morgan Stanley', kind: 'company', text: 'The Morgan Stanley report came out on time.' },
  { value: 'Johnson & Johnson', kind: 'company', text: 'Johnson & Johnson stock rose two percent.' },
  { value: 'Mercedes', kind: 'company', text: 'The Mercedes dealership sent the quote.' },
  { value: 'Siemens', kind: 'company', text: 'Siemens shipped the turbines last week.' },
  { value: 'Alexa', kind: 'product', text: 'Ask Alexa to turn off the lights.' },
  { value: 'Siri', kind: 'product', text: 'Siri could not understand the request.' },
  { value: 'Jira', kind: 'product', text: 'File a Jira ticket and link the incident.' },
  { value: 'Jenkins', kind: 'product', text: 'The Jenkins pipeline failed on the lint step.' },
  { value: 'Julia', kind: 'product', text: 'The solver is written in Julia and Python.' },
  { value: 'Django', kind: 'product', text: 'Upgrade Django before the security release.' },
  { value: 'Hugo', kind: 'product', text: 'The docs site is built with Hugo.' },
  { value: 'Claude', kind: 'model', text: 'Ask Claude to summarise the thread.' },
  { value: 'Gemini', kind: 'model', text: 'Gemini returned a safety refusal for that prompt.' },
  { value: 'Llama', kind: 'model', text: 'We fine-tuned Llama on the support tickets.' },
  { value: 'Mistral', kind: 'model', text: 'Mistral handled the French queries better.' },
  { value: 'Grok', kind: 'model', text: 'Compare Grok and GPT on the eval set.' },
  { value: 'Gemma', kind: 'model', text: 'Gemma runs on a single GPU.' },
  { value: 'Claude Sonnet', kind: 'model', text: 'Route long prompts to Claude Sonnet.' },
  { value: 'Monday', kind: 'weekday', text: 'The migration is scheduled for Monday night.' },
  { value: 'Friday', kind: 'weekday', text: 'Deploy freeze starts Friday at noon.' },
  { value: 'Sunday', kind: 'weekday', text: 'Backups run every Sunday.' },
  { value: 'April', kind: 'month', text: 'The contract renews in April.' },
  { value: 'June', kind: 'month', text: 'Invoices from June are missing.' },
  { value: 'August', kind: 'month', text: 'August traffic was twice the forecast.' },
  { value: 'May', kind: 'month', text: 'May was our busiest month.' },
];

/**
 * Companies whose names hold person-like words (a first name or surname, a possessive, a company
 * word after them), each in a sentence that uses it as the company. Never a PERSON.
 */
export const COMPANY_LOOK_ALIKES: readonly { value: string; text: string }[] = [
  { value: "Acme Bank's", text: "You are Acme Bank's billing assistant." },
  { value: 'Harbor Bank', text: 'Transfer the funds to Harbor Bank before noon.' },
  { value: 'Taylor Holdings', text: 'The board of Taylor Holdings approved the merger.' },
  { value: 'Jordan Group', text: 'We signed the lease with Jordan Group last week.' },
  { value: 'Ada Labs', text: 'The prototype came from Ada Labs in March.' },
  { value: 'Nolan Inc', text: 'Invoices for Nolan Inc are overdue.' },
  { value: 'Milo Corp', text: 'Our contact at Milo Corp asked for the SLA.' },
  { value: 'Elena GmbH', text: 'Die Lieferung an Elena GmbH ist unterwegs.' },
  { value: 'Hartley LLC', text: 'Hartley LLC filed the renewal late.' },
  { value: 'Rowan Ltd', text: 'The contract with Rowan Ltd ends in June.' },
  { value: "Priya Consulting's", text: "Read Priya Consulting's proposal before the call." },
  { value: 'Goldman Sachs', text: 'Analysts at Goldman Sachs cut the forecast.' },
  { value: 'Wells Fargo', text: 'Pay the card from the Wells Fargo account.' },
  { value: 'Charles Schwab', text: 'Move the IRA to Charles Schwab next year.' },
  { value: 'Contoso', text: 'Sign in with your Contoso account.' },
  { value: 'Acme', text: 'Acme billing runs on the first of the month.' },
];

/**
 * A capitalised common word at a name's edge that is no part of it: a verb starting a request
 * before the name, or a noun after it. The name is PII, the word must stay.
 */
export const NAME_EDGES: readonly { kind: 'verb-before' | 'noun-after'; text: string; name: string; keep: string }[] = [
  { kind: 'verb-before', text: 'What is wrong? Ping Daniel Okafor at the front desk.', name: 'Daniel Okafor', keep: 'Ping' },
  { kind: 'verb-before', text: 'Ping Amara Whitlock when the build is green.', name: 'Amara Whitlock', keep: 'Ping' },
  { kind: 'verb-before', text: 'Fax Siobhan Ashworth the signed form.', name: 'Siobhan Ashworth', keep: 'Fax' },
  { kind: 'verb-before', text: 'Mark Helena Brandt as the owner of the ticket.', name: 'Helena Brandt', keep: 'Mark' },
  { kind: 'verb-before', text: 'Bill Tomasz Nowicki for the extra hours.', name: 'Tomasz Nowicki', keep: 'Bill' },
  { kind: 'verb-before', text: 'Thanks. Page Rebecca Lindqvist if it fails again.', name: 'Rebecca Lindqvist', keep: 'Page' },
  { kind: 'verb-before', text: 'Chase Oliver Pemberton about the unpaid invoice.', name: 'Oliver Pemberton', keep: 'Chase' },
  { kind: 'verb-before', text: 'Poor Natalia Ferreira waited an hour on hold.', name: 'Natalia Ferreira', keep: 'Poor' },
  { kind: 'verb-before', text: 'Ask Fatima Haddad to approve it.', name: 'Fatima Haddad', keep: 'Ask' },
  { kind: 'verb-before', text: 'Sync Jonas Eriksen on the rollout plan.', name: 'Jonas Eriksen', keep: 'Sync' },
  { kind: 'noun-after', text: 'Please escalate to Maria Support for the refund.', name: 'Maria', keep: 'Support' },
  { kind: 'noun-after', text: 'Ticket assigned to Daniel Okafor Desk queue.', name: 'Daniel Okafor', keep: 'Desk' },
  { kind: 'noun-after', text: 'Forward it to Priya Raman Team before Friday.', name: 'Priya Raman', keep: 'Team' },
  { kind: 'noun-after', text: 'I met Sofia Marchetti Tuesday at the office.', name: 'Sofia Marchetti', keep: 'Tuesday' },
  { kind: 'noun-after', text: 'The laptop of Helena Brandt Account was locked.', name: 'Helena Brandt', keep: 'Account' },
  { kind: 'noun-after', text: 'Send the draft to Tomasz Nowicki Legal for review.', name: 'Tomasz Nowicki', keep: 'Legal' },
];
