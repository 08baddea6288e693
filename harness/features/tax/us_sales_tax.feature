@happy_path
Feature: Sales tax in a US QuickBooks company
  QuickBooks US has no GST: a line is taxable (TAX) or not (NON), and the rate comes from the invoice's
  sales tax code. Caspen's "Sales tax" rate is linked to the company's sales tax code (California, 8%),
  "Non-taxable" to NON; QuickBooks' tax and total match Caspen's.

  Scenario: Taxable and non-taxable lines
    Given a Caspen account connected to a QuickBooks company in United States
    And a client "Jo Citizen" with client id 4200042
    And a draft invoice for "Jo Citizen" with lines:
      | description | kind    | quantity | unit price | tax rate    |
      | Labour      | service | 2        | $75.00     | Sales tax   |
      | Gift card   | product | 1        | $50.00     | Non-taxable |
    When I finalize the invoice
    Then the QuickBooks status card shows "Synced"
    And QuickBooks has the invoice with a total of $212.00
    And the sales tax in QuickBooks is $12.00
    And in QuickBooks line 1 has the tax code "TAX"
    And in QuickBooks line 2 has the tax code "NON"
    And QuickBooks' total matches Caspen's to the cent
